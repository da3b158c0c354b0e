package io.sluice.jepsen.checker;

import io.sluice.jepsen.history.Op;
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
 * The compacted workload's history: writes ({@code write}, or {@code delete} for a tombstone, value
 * {@code [key, id]}, the ok completion carrying the offset) and, after the final heal, one complete
 * read of each partition from its log start ({@code final-read}: value a list of
 * {@code [offset, key, id]}, id null for a tombstone). Log compaction may remove any record but the
 * latest of its key, and a tombstone once its delete horizon passed; it never moves a record to another
 * offset. So, for each partition's last ok final read:
 * <ul>
 *   <li>{@code nonmonotonic-offsets}: offsets do not strictly increase;</li>
 *   <li>{@code phantom-read}: a record no write of that partition and key could have put there (an
 *       unknown id, a failed write, a value where a tombstone was written, or a tombstone where no
 *       tombstone of the key was attempted); {@code duplicate}: one id at two offsets;</li>
 *   <li>{@code inconsistent-offsets}: a record other than the one acknowledged at its offset;</li>
 *   <li>{@code stale-value}: a key's latest record read is older than its last acknowledged write
 *       (that write is gone, and an older value or tombstone stands in for it);</li>
 *   <li>{@code lost-write}: a key with no record although its last acknowledged write put a value,
 *       and no tombstone of the key of unknown outcome may have deleted it (an acknowledged tombstone
 *       would be the last acknowledged write);</li>
 *   <li>{@code final-read-incomplete}: a partition written to without an ok final read.</li>
 * </ul>
 * Writes that never completed count as unknown outcome. {@link CleaningCoverage} adds whether
 * cleaning was going on when nodes crashed. Pure.
 */
public final class CompactedChecker {

    /** One write attempt: where it went, what it wrote, and its outcome (offset when acknowledged). */
    record Write(long id, String partition, long key, boolean tombstone, Op.Type outcome, Long offset, long index) {
    }

    public CheckResult check(List<Op> history) {
        Map<Long, Write> writes = writes(history);
        Map<String, Op> reads = finalReads(history);
        List<Anomaly> anomalies = new ArrayList<>();
        Set<String> partitions = new java.util.TreeSet<>();
        writes.values().forEach(w -> partitions.add(w.partition()));
        long recordsRead = 0;
        long ackedGone = 0;
        for (String p : partitions) {
            Op read = reads.get(p);
            if (read == null) {
                anomalies.add(new Anomaly("final-read-incomplete", p, "no final read of the partition reached its end",
                        List.of()));
                continue;
            }
            List<long[]> entries = new ArrayList<>();
            Map<Long, Long> latest = checkRecords(p, read, writes, anomalies, entries);
            recordsRead += entries.size();
            checkLastWrites(p, read, writes, latest, anomalies);
            Set<Long> offsetsRead = new HashSet<>();
            entries.forEach(e -> offsetsRead.add(e[0]));
            ackedGone += writes.values().stream().filter(w -> w.partition().equals(p) && w.outcome() == Op.Type.OK
                    && !offsetsRead.contains(w.offset())).count();
        }
        Map<String, Object> stats = new LinkedHashMap<>();
        stats.put("writes", writes.size());
        stats.put("acked-writes", writes.values().stream().filter(w -> w.outcome() == Op.Type.OK).count());
        stats.put("acked-tombstones", writes.values().stream().filter(w -> w.outcome() == Op.Type.OK && w.tombstone()).count());
        stats.put("unknown-writes", writes.values().stream().filter(w -> w.outcome() == Op.Type.INFO).count());
        stats.put("final-read-records", recordsRead);
        stats.put("acked-writes-compacted-away", ackedGone);
        return CheckResult.merge(List.of(new CheckResult(anomalies, stats), new CleaningCoverage().check(history)));
    }

    /** Every write attempt by id, with its outcome; one never completed counts as info. */
    static Map<Long, Write> writes(List<Op> history) {
        Map<Long, Write> writes = new HashMap<>();
        for (Op op : history) {
            if (!"write".equals(op.f()) && !"delete".equals(op.f())) {
                continue;
            }
            long key = ((Number) op.listValue().get(0)).longValue();
            long id = ((Number) op.listValue().get(1)).longValue();
            Op.Type outcome = op.isInvoke() ? Op.Type.INFO : op.type();
            writes.put(id, new Write(id, op.key(), key, "delete".equals(op.f()), outcome, op.offset(), op.index()));
        }
        return writes;
    }

    /** The last ok final read of each partition. */
    private static Map<String, Op> finalReads(List<Op> history) {
        Map<String, Op> reads = new TreeMap<>();
        for (Op op : history) {
            if ("final-read".equals(op.f()) && op.isOk()) {
                reads.put(op.key(), op);
            }
        }
        return reads;
    }

    /** Checks each record read; fills {@code entries} with [offset, key] and returns key -> offset of its latest record. */
    private static Map<Long, Long> checkRecords(String p, Op read, Map<Long, Write> writes, List<Anomaly> anomalies,
                                                List<long[]> entries) {
        Map<Long, Write> ackedAt = new HashMap<>();
        writes.values().stream().filter(w -> w.partition().equals(p) && w.outcome() == Op.Type.OK)
                .forEach(w -> ackedAt.put(w.offset(), w));
        Map<Long, Long> latest = new HashMap<>();
        Map<Long, Long> idAt = new HashMap<>();
        long previous = Long.MIN_VALUE;
        for (Object o : read.listValue()) {
            List<?> entry = (List<?>) o;
            long offset = ((Number) entry.get(0)).longValue();
            Long key = entry.get(1) == null ? null : ((Number) entry.get(1)).longValue();
            Long id = entry.get(2) == null ? null : ((Number) entry.get(2)).longValue();
            List<Long> ops = List.of(read.index());
            if (offset <= previous) {
                anomalies.add(new Anomaly("nonmonotonic-offsets", p, "offset " + offset + " read after " + previous, ops));
            }
            previous = offset;
            if (key == null) {
                anomalies.add(new Anomaly("phantom-read", p, "a record without a key at offset " + offset, ops));
                continue;
            }
            entries.add(new long[] {offset, key});
            latest.merge(key, offset, Math::max);
            Write acked = ackedAt.get(offset);
            if (acked != null && (acked.key() != key || acked.tombstone() != (id == null)
                    || (id != null && acked.id() != id))) {
                anomalies.add(new Anomaly("inconsistent-offsets", p, "offset " + offset + " holds key " + key
                        + (id == null ? " (tombstone)" : " id " + id) + ", but write " + acked.id() + " (key " + acked.key()
                        + ") was acknowledged there", List.of(read.index(), acked.index())));
                continue;
            }
            if (id == null) {
                boolean attempted = writes.values().stream().anyMatch(w -> w.partition().equals(p) && w.key() == key
                        && w.tombstone() && w.outcome() != Op.Type.FAIL);
                if (!attempted) {
                    anomalies.add(new Anomaly("phantom-read", p, "a tombstone of key " + key + " at offset " + offset
                            + ", but no tombstone of that key may have been written", ops));
                }
                continue;
            }
            Write w = writes.get(id);
            if (w == null || w.outcome() == Op.Type.FAIL || w.tombstone() || !w.partition().equals(p) || w.key() != key) {
                anomalies.add(new Anomaly("phantom-read", p, "id " + id + " with key " + key + " at offset " + offset
                        + (w == null ? ": never written" : ": written as " + w), ops));
            } else if (w.outcome() == Op.Type.OK && !Objects.equals(w.offset(), offset)) {
                anomalies.add(new Anomaly("inconsistent-offsets", p, "id " + id + " read at offset " + offset
                        + ", acknowledged at " + w.offset(), List.of(read.index(), w.index())));
            }
            Long before = idAt.put(id, offset);
            if (before != null && before != offset) {
                anomalies.add(new Anomaly("duplicate", p, "id " + id + " at offsets " + before + " and " + offset, ops));
            }
        }
        return latest;
    }

    /** Each key's latest record read is at or after its last acknowledged write, or the key was deleted. */
    private static void checkLastWrites(String p, Op read, Map<Long, Write> writes, Map<Long, Long> latest,
                                        List<Anomaly> anomalies) {
        Map<Long, Write> lastAcked = new HashMap<>();
        Set<Long> maybeDeleted = new HashSet<>();
        for (Write w : writes.values()) {
            if (!w.partition().equals(p)) {
                continue;
            }
            if (w.outcome() == Op.Type.OK) {
                lastAcked.merge(w.key(), w, (a, b) -> b.offset() > a.offset() ? b : a);
            } else if (w.outcome() == Op.Type.INFO && w.tombstone()) {
                maybeDeleted.add(w.key());
            }
        }
        for (Write last : lastAcked.values()) {
            Long at = latest.get(last.key());
            List<Long> ops = List.of(read.index(), last.index());
            if (at == null) {
                if (!last.tombstone() && !maybeDeleted.contains(last.key())) {
                    anomalies.add(new Anomaly("lost-write", p, "key " + last.key() + " has no record, but its last"
                            + " acknowledged write (id " + last.id() + ", offset " + last.offset() + ") put a value and no"
                            + " tombstone of it may have followed", ops));
                }
            } else if (at < last.offset()) {
                anomalies.add(new Anomaly("stale-value", p, "key " + last.key() + "'s latest record is at offset " + at
                        + ", before its last acknowledged write (id " + last.id() + ", offset " + last.offset() + ")", ops));
            }
        }
    }
}
