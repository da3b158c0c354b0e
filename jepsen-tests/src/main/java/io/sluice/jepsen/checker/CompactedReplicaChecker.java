package io.sluice.jepsen.checker;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;

/**
 * Replicas of a compacted topic agree after healing, by their latest record per key (not byte for
 * byte: every replica runs its own cleaner on its own segments, whose boundaries differ, so two
 * replicas may keep different superseded records; see docs/storage.md, "Replicas"). For each
 * partition the replica with the highest high watermark is the reference; for every other replica and
 * every key, the latest record of the key below each replica's own high watermark must be the same
 * (offset and value), a tombstone counting the same as no record (a tombstone past its delete horizon is
 * removed by each replica's cleaner at its own time). A key whose latest record on the reference lies at
 * or above the other replica's high watermark is skipped (that replica has not got it yet), and so is a
 * key the reference no longer holds at all when the other replica's high watermark is lower (the
 * tombstone that removed it may lie above it). Also, within each replica, record offsets must strictly
 * increase. Pure.
 */
public final class CompactedReplicaChecker {

    /** One record as stored: its offset, key and value (the workload's integers; null for none or a tombstone). */
    public record Entry(long offset, Long key, Long value) {
    }

    /** One node's copy of one partition: its records in file order and its high watermark. */
    public record Replica(String partition, int node, long highWatermark, List<Entry> entries) {
        public Replica {
            entries = List.copyOf(entries);
        }
    }

    public CheckResult check(List<Replica> replicas) {
        Map<String, List<Replica>> byPartition = new TreeMap<>();
        replicas.forEach(r -> byPartition.computeIfAbsent(r.partition(), p -> new ArrayList<>()).add(r));
        List<Anomaly> anomalies = new ArrayList<>();
        long compared = 0;
        for (Map.Entry<String, List<Replica>> e : byPartition.entrySet()) {
            e.getValue().forEach(r -> checkOffsets(r, anomalies));
            Replica reference = e.getValue().stream()
                    .max((a, b) -> Long.compare(a.highWatermark(), b.highWatermark())).orElseThrow();
            Map<Long, Entry> expected = latestPerKey(reference);
            for (Replica replica : e.getValue()) {
                if (replica != reference) {
                    compared += compare(e.getKey(), reference, expected, replica, anomalies);
                }
            }
        }
        Map<String, Object> stats = new LinkedHashMap<>();
        stats.put("replica-keys-compared", compared);
        stats.put("replica-partitions", byPartition.size());
        stats.put("replica-records", replicas.stream().mapToLong(r -> r.entries().size()).sum());
        return new CheckResult(anomalies, stats);
    }

    private static void checkOffsets(Replica r, List<Anomaly> anomalies) {
        long previous = Long.MIN_VALUE;
        for (Entry entry : r.entries()) {
            if (entry.offset() <= previous) {
                anomalies.add(new Anomaly("nonmonotonic-offsets", r.partition(), "node " + r.node() + " holds offset "
                        + entry.offset() + " after offset " + previous, List.of()));
            }
            previous = entry.offset();
        }
    }

    private static long compare(String partition, Replica reference, Map<Long, Entry> expected, Replica replica,
                                List<Anomaly> anomalies) {
        Map<Long, Entry> actual = latestPerKey(replica);
        Set<Long> keys = new HashSet<>(expected.keySet());
        keys.addAll(actual.keySet());
        long compared = 0;
        for (Long key : new java.util.TreeSet<>(keys)) {
            Entry want = expected.get(key);
            Entry got = actual.get(key);
            if (want != null ? want.offset() >= replica.highWatermark()
                    : replica.highWatermark() < reference.highWatermark()) {
                continue; // not below this replica's high watermark yet, or removed by a tombstone that may be above it
            }
            compared++;
            boolean bothDeleted = deleted(want) && deleted(got);
            if (!bothDeleted && (want == null || got == null || want.offset() != got.offset()
                    || !Objects.equals(want.value(), got.value()))) {
                anomalies.add(new Anomaly("replica-key-divergence", partition, "key " + key + ": node " + replica.node()
                        + " holds " + describe(got) + ", node " + reference.node() + " " + describe(want)
                        + " (high watermarks " + replica.highWatermark() + " and " + reference.highWatermark() + ")",
                        List.of()));
            }
        }
        return compared;
    }

    /** Key -> its latest record below the replica's high watermark; records without a key are left out. */
    static Map<Long, Entry> latestPerKey(Replica r) {
        Map<Long, Entry> latest = new HashMap<>();
        for (Entry entry : r.entries()) {
            if (entry.key() != null && entry.offset() < r.highWatermark()) {
                latest.merge(entry.key(), entry, (a, b) -> b.offset() > a.offset() ? b : a);
            }
        }
        return latest;
    }

    private static boolean deleted(Entry e) {
        return e == null || e.value() == null;
    }

    private static String describe(Entry e) {
        return e == null ? "no record" : (e.value() == null ? "a tombstone" : "value " + e.value()) + " at offset " + e.offset();
    }
}
