package io.sluice.tools.quorum;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Starts, finds and stops the node processes of a {@link LocalQuorum}. A pid file is trusted only if
 * the process it names is alive and is the Sluice node with that id and data directory, so a reused
 * pid is never signalled. Not thread-safe.
 */
final class NodeProcesses {
    private final LocalQuorum quorum;
    private final Path sluiceHome;

    NodeProcesses(LocalQuorum quorum, Path sluiceHome) {
        this.quorum = quorum;
        this.sluiceHome = sluiceHome;
    }

    /** The live process of node {@code n}, if it runs. */
    Optional<ProcessHandle> find(int n) throws IOException {
        Path pidFile = quorum.pidFile(n);
        if (!Files.exists(pidFile)) {
            return Optional.empty();
        }
        long pid;
        try {
            pid = Long.parseLong(Files.readString(pidFile).trim());
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
        String marker = quorum.nodeDir(n).toAbsolutePath().toString();
        return ProcessHandle.of(pid)
                .filter(ProcessHandle::isAlive)
                .filter(p -> p.info().commandLine().map(c -> c.contains(marker)).orElse(true));
    }

    /** Starts node {@code n} in the background, its output appended to its log. */
    ProcessHandle start(int n) throws IOException {
        Files.createDirectories(quorum.nodeDir(n));
        List<String> command = new ArrayList<>();
        if (Files.isExecutable(Path.of("/usr/bin/setsid"))) {
            command.add("/usr/bin/setsid"); // its own session: a Ctrl-C in this terminal does not reach it
        }
        command.add(sluiceHome.resolve("bin/sluice").toString());
        command.addAll(quorum.brokerArgs(n));
        Path log = quorum.logFile(n);
        Files.writeString(log, "---- starting node " + n + " at " + java.time.Instant.now() + "\n",
                StandardCharsets.UTF_8, java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.APPEND);
        Process process = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                .start();
        Files.writeString(quorum.pidFile(n), Long.toString(process.pid()));
        return process.toHandle();
    }

    /** SIGTERM (a controlled shutdown) and wait; SIGKILL if it does not exit in time. */
    boolean stop(ProcessHandle process, Duration grace) {
        process.destroy();
        try {
            process.onExit().get(grace.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
            return true;
        } catch (Exception e) {
            process.destroyForcibly();
            return false;
        }
    }

    /** SIGKILL, as a crash. */
    void kill(ProcessHandle process) throws Exception {
        process.destroyForcibly();
        process.onExit().get(10, java.util.concurrent.TimeUnit.SECONDS);
    }

    /** The last lines of a node's log, to show why it failed to start. */
    String tail(int n, int lines) {
        try {
            List<String> all = Files.readAllLines(quorum.logFile(n), StandardCharsets.UTF_8);
            return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (IOException e) {
            return "(no log at " + quorum.logFile(n) + ")";
        }
    }
}
