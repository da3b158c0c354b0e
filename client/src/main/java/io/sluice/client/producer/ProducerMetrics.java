package io.sluice.client.producer;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.LongAccumulator;
import java.util.concurrent.atomic.LongAdder;

/**
 * Counters of a producer, named as Kafka's producer metrics are ({@code producer-metrics:NAME:{client-id=ID}}),
 * so {@code producer-perf-test --print-metrics} output can be compared with Kafka's. Only cumulative
 * counts and averages over the producer's life; no windowed rates. Thread-safe (adders).
 */
final class ProducerMetrics {
    final LongAdder recordsSent = new LongAdder();
    final LongAdder recordErrors = new LongAdder();
    final LongAdder recordRetries = new LongAdder();
    final LongAdder batches = new LongAdder();
    final LongAdder batchBytes = new LongAdder();
    final LongAdder requests = new LongAdder();
    final LongAdder requestBytes = new LongAdder();
    final LongAdder requestLatencyMs = new LongAdder();
    final LongAccumulator requestLatencyMaxMs = new LongAccumulator(Math::max, 0);
    final LongAdder responses = new LongAdder();

    /** A snapshot by Kafka's metric names; {@code bufferAvailable} is read from the buffer pool. */
    Map<String, Double> snapshot(String clientId, long bufferAvailable) {
        Map<String, Double> out = new TreeMap<>();
        String tags = ":{client-id=" + clientId + "}";
        long b = batches.sum();
        long r = requests.sum();
        long answered = responses.sum();
        out.put("producer-metrics:record-send-total" + tags, (double) recordsSent.sum());
        out.put("producer-metrics:record-error-total" + tags, (double) recordErrors.sum());
        out.put("producer-metrics:record-retry-total" + tags, (double) recordRetries.sum());
        out.put("producer-metrics:batch-size-avg" + tags, b == 0 ? 0.0 : (double) batchBytes.sum() / b);
        out.put("producer-metrics:records-per-request-avg" + tags, r == 0 ? 0.0 : (double) recordsSent.sum() / r);
        out.put("producer-metrics:request-total" + tags, (double) r);
        out.put("producer-metrics:outgoing-byte-total" + tags, (double) requestBytes.sum());
        out.put("producer-metrics:request-latency-avg" + tags, answered == 0 ? 0.0 : (double) requestLatencyMs.sum() / answered);
        out.put("producer-metrics:request-latency-max" + tags, (double) requestLatencyMaxMs.get());
        out.put("producer-metrics:buffer-available-bytes" + tags, (double) bufferAvailable);
        return out;
    }
}
