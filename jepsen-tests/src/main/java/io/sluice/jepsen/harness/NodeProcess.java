package io.sluice.jepsen.harness;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * One Sluice node process: started from the distribution's {@code bin/sluice broker} (through the
 * network's launch prefix, which execs, so the process we hold is the JVM itself), crashed with
 * SIGKILL, paused with SIGSTOP/SIGCONT, stopped with SIGTERM (a controlled shutdown). Its output is
 * appended to one log across restarts. Thread-safe: methods synchronize on the node, since the nemesis
 * and the teardown hook may both touch it.
 */
public final class NodeProcess {
    private final int id;
    private final List<String> command;
    private final Path log;
    private final String heap;
    private Process process;
    private boolean paused;

    NodeProcess(int id, List<String> command, Path log, String heap) {
        this.id = id;
        this.command = List.copyOf(command);
        this.log = log;
        this.heap = heap;
    }

    public int id() {
        return id;
    }

    public Path log() {
        return log;
    }

    public synchronized boolean running() {
        return process != null && process.isAlive();
    }

    public synchronized boolean paused() {
        return paused && running();
    }

    /** Starts the node unless it runs. */
    public synchronized void start() throws IOException {
        if (running()) {
            return;
        }
        Files.writeString(log, "---- jepsen: starting node " + id + " at " + Instant.now() + "\n", StandardCharsets.UTF_8,
                StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        ProcessBuilder pb = new ProcessBuilder(new ArrayList<>(command)).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        pb.environment().put("SLUICE_HEAP_OPTS", heap);
        process = pb.start();
        paused = false;
    }

    /** SIGKILL, as a crash; waits until the process is gone. */
    public synchronized void kill() {
        if (process == null) {
            return;
        }
        note("kill -9");
        process.destroyForcibly();
        awaitExit(10);
        paused = false;
    }

    /** SIGTERM and wait (a controlled shutdown); SIGKILL if it does not finish in time. */
    public synchronized void stop(long graceSeconds) {
        if (!running()) {
            return;
        }
        resume();
        note("stop (SIGTERM)");
        process.destroy();
        if (!awaitExit(graceSeconds)) {
            process.destroyForcibly();
            awaitExit(10);
        }
    }

    /** SIGSTOP: the node freezes, its sockets stay open. */
    public synchronized void pause() {
        if (running() && !paused) {
            note("pause (SIGSTOP)");
            Shell.run("kill", "-STOP", Long.toString(process.pid()));
            paused = true;
        }
    }

    /** SIGCONT after {@link #pause}. */
    public synchronized void resume() {
        if (running() && paused) {
            Shell.run("kill", "-CONT", Long.toString(process.pid()));
            note("resume (SIGCONT)");
        }
        paused = false;
    }

    private boolean awaitExit(long seconds) {
        try {
            return process.waitFor(seconds, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private void note(String what) {
        try {
            Files.writeString(log, "---- jepsen: " + what + " node " + id + " at " + Instant.now() + "\n",
                    StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        } catch (IOException e) {
            // the note only helps a reader of the log; the fault itself must still happen
        }
    }
}
