package io.sluice.ecosystem;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

/**
 * A Kafka Connect worker in distributed mode ({@code ConnectDistributed}) in its own JVM, on this test
 * JVM's classpath (so it finds the test tree's connectors), with its REST API on a free port. A separate
 * process because a hard stop must be one: {@link #kill()} is SIGKILL, nothing flushed or committed, no
 * LeaveGroup sent. Its output goes to a log file next to its properties. Used by one test thread.
 */
final class ConnectWorkerProcess implements AutoCloseable {
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private final Process process;
    private final URI rest;
    private final Path log;

    private ConnectWorkerProcess(Process process, URI rest, Path log) {
        this.process = process;
        this.rest = rest;
        this.log = log;
    }

    /** Starts a worker of {@code groupId} against {@code bootstrap}, its files under {@code dir}. */
    static ConnectWorkerProcess start(String bootstrap, String groupId, Path dir, String name) throws IOException {
        Files.createDirectories(dir);
        int port = freePort();
        Properties worker = new Properties();
        worker.putAll(Map.of(
                "bootstrap.servers", bootstrap,
                "group.id", groupId,
                "listeners", "http://127.0.0.1:" + port,
                "config.storage.topic", groupId + "-configs",
                "offset.storage.topic", groupId + "-offsets",
                "status.storage.topic", groupId + "-status",
                "key.converter", "org.apache.kafka.connect.storage.StringConverter",
                "value.converter", "org.apache.kafka.connect.storage.StringConverter",
                "offset.flush.interval.ms", "500",
                "plugin.discovery", "service_load"));
        worker.putAll(Map.of(
                "config.storage.replication.factor", "3",
                "offset.storage.replication.factor", "3",
                "status.storage.replication.factor", "3",
                "offset.storage.partitions", "5",
                "status.storage.partitions", "3",
                // A killed worker's tasks move to the survivor after this delay; with one worker, it bounds
                // how long the restarted worker waits before it reassigns the dead one's work to itself.
                "scheduled.rebalance.max.delay.ms", "2000"));
        Path props = dir.resolve(name + ".properties");
        try (var out = Files.newBufferedWriter(props)) {
            worker.store(out, "Kafka Connect worker for " + name);
        }
        Path log = dir.resolve(name + ".log");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        ProcessBuilder builder = new ProcessBuilder(List.of(java, "-Xmx256m", "-XX:TieredStopAtLevel=1",
                "-cp", testClassPath(), "org.apache.kafka.connect.cli.ConnectDistributed", props.toString()))
                .redirectErrorStream(true)
                .redirectOutput(log.toFile());
        Process process = builder.start();
        // Should the test JVM itself be stopped (Failsafe's fork timeout), the worker must not outlive it.
        Runtime.getRuntime().addShutdownHook(new Thread(process::destroyForcibly, "kill-connect-worker-" + name));
        return new ConnectWorkerProcess(process, URI.create("http://127.0.0.1:" + port), log);
    }

    /** Surefire and Failsafe hand a forked JVM a one-jar classpath and the real one in this property. */
    private static String testClassPath() {
        String path = System.getProperty("surefire.test.class.path");
        return path != null && !path.isBlank() ? path : System.getProperty("java.class.path");
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    boolean isAlive() {
        return process.isAlive();
    }

    Path log() {
        return log;
    }

    /** The REST answer's status and body, or status -1 while the worker does not answer yet. */
    Response request(String method, String path, String json) {
        HttpRequest.Builder request = HttpRequest.newBuilder(rest.resolve(path)).timeout(Duration.ofSeconds(10))
                .header("Content-Type", "application/json")
                .method(method, json == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(json));
        try {
            HttpResponse<String> response = HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
            return new Response(response.statusCode(), response.body());
        } catch (IOException e) {
            return new Response(-1, e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** SIGKILL: the worker gets no chance to commit offsets, flush its producer or leave its group. */
    void kill() {
        process.destroyForcibly();
        waitFor();
    }

    private void waitFor() {
        try {
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                throw new IllegalStateException("the Connect worker did not exit; see " + log);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        if (process.isAlive()) {
            process.destroy();
            try {
                if (!process.waitFor(20, TimeUnit.SECONDS)) {
                    kill();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                kill();
            }
        }
    }

    record Response(int status, String body) {
    }
}
