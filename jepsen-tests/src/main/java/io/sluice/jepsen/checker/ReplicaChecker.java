package io.sluice.jepsen.checker;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Replicas agree after healing: for each partition, every replica's batches below its own high
 * watermark must be byte-identical to the same batches of the replica with the highest high
 * watermark (batches are copied from the leader byte for byte, base offset and leader epoch
 * included); no replica may hold a batch below that bound that the reference lacks, and none may lack
 * one the reference holds there (a hole), from the replica's own first offset on (what retention or
 * DeleteRecords removed below it is not a hole). Pure.
 */
public final class ReplicaChecker {

    /** One record batch as stored: its offsets and its bytes. */
    public record Batch(long baseOffset, long lastOffset, byte[] bytes) {
    }

    /** One node's copy of one partition. */
    public record ReplicaLog(String partition, int node, long highWatermark, List<Batch> batches) {
        public ReplicaLog {
            batches = List.copyOf(batches);
        }
    }

    public CheckResult check(List<ReplicaLog> logs) {
        Map<String, List<ReplicaLog>> byPartition = new TreeMap<>();
        logs.forEach(l -> byPartition.computeIfAbsent(l.partition(), p -> new ArrayList<>()).add(l));
        List<Anomaly> anomalies = new ArrayList<>();
        long comparedBatches = 0;
        for (Map.Entry<String, List<ReplicaLog>> e : byPartition.entrySet()) {
            ReplicaLog reference = e.getValue().stream()
                    .max((a, b) -> Long.compare(a.highWatermark(), b.highWatermark())).orElseThrow();
            Map<Long, Batch> referenceBatches = below(reference, reference.highWatermark());
            for (ReplicaLog replica : e.getValue()) {
                if (replica == reference) {
                    continue;
                }
                long bound = Math.min(replica.highWatermark(), reference.highWatermark());
                Map<Long, Batch> replicaBatches = below(replica, bound);
                long logStart = replica.batches().isEmpty() ? 0 : replica.batches().get(0).baseOffset();
                for (Batch expected : below(reference, bound).values()) {
                    if (expected.baseOffset() >= logStart && !replicaBatches.containsKey(expected.baseOffset())) {
                        anomalies.add(new Anomaly("replica-divergence", e.getKey(), "node " + replica.node()
                                + " lacks the batch at offsets " + expected.baseOffset() + ".." + expected.lastOffset()
                                + " that node " + reference.node() + " holds (both below high watermark " + bound + ")",
                                List.of()));
                    }
                }
                for (Batch batch : replicaBatches.values()) {
                    comparedBatches++;
                    Batch expected = referenceBatches.get(batch.baseOffset());
                    if (expected == null || !Arrays.equals(expected.bytes(), batch.bytes())) {
                        anomalies.add(new Anomaly("replica-divergence", e.getKey(), "node " + replica.node()
                                + "'s batch at offsets " + batch.baseOffset() + ".." + batch.lastOffset()
                                + (expected == null ? " is missing on" : " differs from") + " node " + reference.node()
                                + " (both below high watermark " + bound + ")", List.of()));
                    }
                }
            }
        }
        Map<String, Object> stats = new LinkedHashMap<>();
        stats.put("replica-batches-compared", comparedBatches);
        stats.put("replica-partitions", byPartition.size());
        return new CheckResult(anomalies, stats);
    }

    private static Map<Long, Batch> below(ReplicaLog log, long highWatermark) {
        Map<Long, Batch> result = new TreeMap<>();
        for (Batch b : log.batches()) {
            if (b.lastOffset() < highWatermark) {
                result.put(b.baseOffset(), b);
            }
        }
        return result;
    }
}
