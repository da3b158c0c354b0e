package io.sluice.server.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.sluice.server.Node;
import io.sluice.server.TestCluster;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@code /ready}, what Kubernetes' readiness probe asks: 200 on every node of a formed quorum whose
 * brokers are unfenced; 503 naming the reason on a node that has lost its quorum (it can neither
 * learn nor change the metadata, so clients must not be sent to it); 200 again once it is back.
 */
@Timeout(180)
class ReadinessIT {
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    @Test
    void readyWhileTheNodeHasItsQuorumAndNotWhenItLostIt() throws Exception {
        try (TestCluster cluster = TestCluster.start(3)) {
            cluster.awaitReady(Duration.ofSeconds(60));
            for (Node node : cluster.runningNodes()) {
                awaitReady(node, "200 ready");
            }
            int survivor = cluster.runningNodes().get(0).nodeId();
            for (Node node : cluster.runningNodes()) {
                if (node.nodeId() != survivor) {
                    cluster.stopNode(node.nodeId());
                }
            }
            awaitReady(cluster.node(survivor), "503 not ready: no metadata quorum leader known"
                    + " (the quorum has not formed, or this node cannot reach it)");
            for (int id = 1; id <= 3; id++) {
                if (id != survivor) {
                    cluster.startNode(id);
                }
            }
            cluster.awaitReady(Duration.ofSeconds(60));
            awaitReady(cluster.node(survivor), "200 ready");
        }
    }

    private void awaitReady(Node node, String expected) {
        InetSocketAddress at = node.metricsAddress();
        AtomicReference<String> last = new AtomicReference<>();
        try {
            TestCluster.await(Duration.ofSeconds(60), "node " + node.nodeId() + " /ready: " + expected, () -> {
                last.set(get(at));
                return expected.equals(last.get());
            });
        } catch (AssertionError e) {
            assertEquals(expected, last.get(), e.getMessage());
        }
    }

    private String get(InetSocketAddress at) {
        try {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + at.getPort()
                    + "/ready")).timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.ofString());
            return r.statusCode() + " " + r.body().strip();
        } catch (IOException e) {
            return e.toString();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return e.toString();
        }
    }
}
