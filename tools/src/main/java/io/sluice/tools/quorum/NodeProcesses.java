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
 * pid is never signalled. A node writes its log itself (config/logback-node.xml, rolled by size, in
 * its directory, as SLUICE_LOG_DIR tells bin/sluice); its standard output and error, which hold what
 * it says before logging starts and the one-line error it exits with, go to {@code node.out}.
 * Not thread-safe.
 */
final class NodeProcesses {
    private static final String START_MARK = "---- starting node ";
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

    /** Starts node {@code n} in the background, its output appended to {@code node.out}. */
    ProcessHandle start(int n) throws IOException {
        Files.createDirectories(quorum.nodeDir(n));
        List<String> command = new ArrayList<>();
        if (Files.isExecutable(Path.of("/usr/bin/setsid"))) {
            command.add("/usr/bin/setsid"); // its own session: a Ctrl-C in this terminal does not reach it
        }
        command.add(sluiceHome.resolve("bin/sluice").toString());
        command.addAll(quorum.brokerArgs(n));
        Path out = quorum.outFile(n);
        Files.writeString(out, START_MARK + n + " at " + java.time.Instant.now() + "\n",
                StandardCharsets.UTF_8, java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.APPEND);
        ProcessBuilder builder = new ProcessBuilder(command);
        builder.environment().put("SLUICE_LOG_DIR", quorum.nodeDir(n).toAbsolutePath().toString());
        Process process = builder
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(out.toFile()))
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

    /**
     * Why node {@code n} stopped, in one line: the "Error: ..." line it printed when it exited (in
     * {@code node.out} since its last start), else the last ERROR line of its log, else the last
     * line it printed.
     */
    String lastError(int n) {
        List<String> out = sinceLastStart(lines(quorum.outFile(n)));
        for (int i = out.size() - 1; i >= 0; i--) {
            if (out.get(i).startsWith("Error:")) {
                return out.get(i).substring("Error:".length()).trim();
            }
        }
        List<String> log = lines(quorum.logFile(n));
        for (int i = log.size() - 1; i >= 0; i--) {
            if (log.get(i).contains(" ERROR ")) {
                return log.get(i).trim();
            }
        }
        for (int i = out.size() - 1; i >= 0; i--) {
            if (!out.get(i).isBlank()) {
                return out.get(i).trim();
            }
        }
        return "it printed nothing";
    }

    private static List<String> sinceLastStart(List<String> lines) {
        for (int i = lines.size() - 1; i >= 0; i--) {
            if (lines.get(i).startsWith(START_MARK)) {
                return lines.subList(i + 1, lines.size());
            }
        }
        return lines;
    }

    private static List<String> lines(Path file) {
        try {
            return Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return List.of(); // no file yet: the node never got that far
        }
    }

    /**
     * The ports of node {@code n} that another process holds, as "9092 (client port of node 1)".
     * Binds each one for a moment the way the node will (SO_REUSEADDR, so connections of a node that
     * just stopped do not count); a port another process listens on, on any address, refuses.
     */
    List<String> busyPorts(int n) {
        List<String> busy = new ArrayList<>();
        int[][] ports = quorum.secure()
                ? new int[][]{{quorum.clientPort(n), 0}, {quorum.raftPort(n), 1}, {quorum.nativePort(n), 2}}
                : new int[][]{{quorum.clientPort(n), 0}, {quorum.raftPort(n), 1}};
        for (int[] port : ports) {
            try (java.net.ServerSocket socket = new java.net.ServerSocket()) {
                socket.setReuseAddress(true);
                socket.bind(new java.net.InetSocketAddress("localhost", port[0]));
            } catch (IOException e) {
                busy.add(port[0] + " (" + (port[1] == 0 ? "client" : port[1] == 1 ? "Raft" : "internal") + " port of node " + n + ")");
            }
        }
        return busy;
    }
}
