package io.sluice.server.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.sluice.protocol.rpc.ApiKey;
import io.sluice.network.RequestMetrics;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** What the recording hooks put in the registry (no HTTP server: the registry is read directly). */
@Timeout(10)
class NodeMetricsTest {
    private static MetricsText scrape(NodeMetrics metrics) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        PrometheusTextFormatWriter.create().write(out, metrics.registry().scrape());
        return MetricsText.parse(out.toString(StandardCharsets.UTF_8));
    }

    @Test
    void requestsAreCountedPerProtocolAndApiAndOnlyApisInUseAreSeries() throws Exception {
        try (NodeMetrics metrics = new NodeMetrics(1)) {
            RequestMetrics.Recorder sluice = metrics.forProtocol("sluice", ApiKey.values());
            sluice.record(ApiKey.PRODUCE, 2_000_000);
            sluice.record(ApiKey.PRODUCE, 4_000_000);
            sluice.record(ApiKey.FETCH, 1_000);
            MetricsText text = scrape(metrics);
            assertEquals(2, text.valueOrZero("sluice_request_duration_seconds_count", "protocol", "sluice",
                    "api", "produce"));
            assertEquals(0.006, text.valueOrZero("sluice_request_duration_seconds_sum", "api", "produce"), 1e-9);
            assertEquals(1, text.valueOrZero("sluice_request_duration_seconds_count", "api", "fetch"));
            assertTrue(text.value("sluice_request_duration_seconds_count", "api", "metadata").isEmpty());
            assertTrue(text.has("jvm_memory_used_bytes"));
        }
    }

    @Test
    void servesMetricsAndHealthOverHttp() throws Exception {
        try (NodeMetrics metrics = new NodeMetrics(1)) {
            metrics.serve(new java.net.InetSocketAddress("127.0.0.1", 0));
            assertTrue(metrics.port() > 0);
            java.net.InetSocketAddress at = new java.net.InetSocketAddress("127.0.0.1", metrics.port());
            assertTrue(MetricsText.scrape(at).has("sluice_log_flush_duration_seconds_count"));
            var http = java.net.http.HttpClient.newHttpClient();
            var health = http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create("http://127.0.0.1:"
                    + metrics.port() + "/-/healthy")).build(), java.net.http.HttpResponse.BodyHandlers.ofString());
            assertEquals(200, health.statusCode());
        }
    }

    @Test
    void readyAnswers503WithTheReasonUntilTheNodeSaysItServes() throws Exception {
        try (NodeMetrics metrics = new NodeMetrics(1)) {
            metrics.serve(new java.net.InetSocketAddress("127.0.0.1", 0));
            assertEquals("503 not ready: starting", get(metrics, "/ready"));
            java.util.concurrent.atomic.AtomicReference<String> reason = new java.util.concurrent.atomic.AtomicReference<>("fenced");
            metrics.readiness(reason::get);
            assertEquals("503 not ready: fenced", get(metrics, "/ready"));
            reason.set(null);
            assertEquals("200 ready", get(metrics, "/ready"));
            assertTrue(get(metrics, "/readyx").startsWith("404 "));
            assertTrue(get(metrics, "/metrics").startsWith("200 "));
        }
    }

    private static String get(NodeMetrics metrics, String path) throws Exception {
        var response = java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest.newBuilder(
                java.net.URI.create("http://127.0.0.1:" + metrics.port() + path)).build(),
                java.net.http.HttpResponse.BodyHandlers.ofString());
        return response.statusCode() + " " + response.body().strip();
    }

    @Test
    void ackLatencyIsKeptPerAcksAndFlushTimesInOneHistogram() throws Exception {
        try (NodeMetrics metrics = new NodeMetrics(1)) {
            metrics.ackLatency().record(-1, 3_000_000);
            metrics.ackLatency().record(1, 1_000_000);
            metrics.ackLatency().record(7, 1_000_000); // refused before it waits: not a latency
            metrics.flushTimes().accept(300_000);
            MetricsText text = scrape(metrics);
            assertEquals(1, text.valueOrZero("sluice_produce_ack_latency_seconds_count", "acks", "all"));
            assertEquals(1, text.valueOrZero("sluice_produce_ack_latency_seconds_count", "acks", "1"));
            assertEquals(0, text.valueOrZero("sluice_produce_ack_latency_seconds_count", "acks", "0"));
            assertEquals(1, text.valueOrZero("sluice_log_flush_duration_seconds_count"));
            assertEquals(0.0003, text.valueOrZero("sluice_log_flush_duration_seconds_sum"), 1e-12);
        }
    }
}
