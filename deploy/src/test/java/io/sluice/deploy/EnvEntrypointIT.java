package io.sluice.deploy;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The container image's entrypoint, {@code bin/sluice broker --env}, run as a plain process of the
 * distribution: a node configured by nothing but SLUICE_* variables (no file, no flag) starts, its
 * {@code /ready} answers 503 until it has formed its one-voter quorum and been unfenced, then 200,
 * and SIGTERM stops it. ImageIT (deploy/image, -Pimage) runs the same entrypoint inside the image.
 */
@Timeout(120)
class EnvEntrypointIT {
    @TempDir
    Path dir;

    @Test
    void aNodeConfiguredOnlyByEnvironmentVariablesStartsAndBecomesReady() throws Exception {
        int data = freePort();
        int raft = freePort();
        int metrics = freePort();
        Path dataDir = dir.resolve("node-0");
        ProcessBuilder pb = new ProcessBuilder(FreshClone.builtDistribution().resolve("bin/sluice").toString(),
                "broker", "--env").redirectErrorStream(true).redirectOutput(dir.resolve("node.log").toFile());
        Map<String, String> env = pb.environment();
        env.keySet().removeIf(k -> k.startsWith("SLUICE_"));
        env.putAll(Map.of("SLUICE_NODE_ID", "0", "SLUICE_VOTERS", "0@127.0.0.1:" + raft,
                "SLUICE_RAFT_ADDRESS", "127.0.0.1:" + raft, "SLUICE_LISTEN", "127.0.0.1:" + data,
                "SLUICE_METRICS_PORT", Integer.toString(metrics), "SLUICE_DATA_DIR", dataDir.toString(),
                "SLUICE_HEAP_OPTS", "-Xmx256m"));
        Process node = pb.start();
        try {
            HttpClient http = HttpClient.newHttpClient();
            URI ready = URI.create("http://127.0.0.1:" + metrics + "/ready");
            await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(200)).until(() -> {
                assertTrue(node.isAlive(), () -> "the node exited: " + log());
                int status = status(http, ready);
                assertTrue(status == -1 || status == 200 || status == 503, "/ready answered " + status);
                return status == 200;
            });
            assertTrue(Files.isDirectory(dataDir.resolve("logs")), "the node keeps its data in SLUICE_DATA_DIR");
            node.destroy(); // SIGTERM, as a container runtime stops it: bin/sluice exec'd the JVM
            assertTrue(node.waitFor(60, TimeUnit.SECONDS), "SIGTERM did not stop the node: " + log());
        } finally {
            node.destroyForcibly();
        }
    }

    private String log() {
        try {
            return Files.readString(dir.resolve("node.log"));
        } catch (IOException e) {
            return e.toString();
        }
    }

    private static int status(HttpClient http, URI uri) {
        try {
            return http.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(2)).build(),
                    HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (IOException e) {
            return -1; // not listening yet
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
