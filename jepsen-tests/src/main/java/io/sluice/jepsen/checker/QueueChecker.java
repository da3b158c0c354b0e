package io.sluice.jepsen.checker;

import io.sluice.jepsen.history.Op;
import io.sluice.jepsen.history.Pairs;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Checks a queue history as Jepsen's {@code jepsen.tests.kafka} checker does, per key (partition):
 * <ul>
 *   <li>lost-write: an acknowledged value whose offset is below the highest offset read, never read;</li>
 *   <li>unseen: an acknowledged value never read, at or above the highest offset read;</li>
 *   <li>lost-after-read: a value read during the run that the final reads (the polls after the last
 *   {@code heal}) did not find: the log forgot it after it was served. Acknowledged or not: a consumer
 *   reads only below the high watermark, so what it read was committed and must survive;</li>
 *   <li>duplicate: one value at two offsets; inconsistent-offsets: two values at one offset (sends'
 *       acknowledged offsets count as observations, as reads do);</li>
 *   <li>poll-skip: a consumer's next read of a partition jumps over an offset known to hold a value;
 *       nonmonotonic-poll: it goes back or repeats. Across a reader's own {@code assign}s a partition it
 *       keeps keeps its position (as both clients do), so only a partition newly assigned, or one
 *       handed out by a group, may start anywhere;</li>
 *   <li>nonmonotonic-send: one producer's acknowledged sends to a key, in the order it sent them, do
 *       not get increasing offsets;</li>
 *   <li>phantom-read: a value read that no send (of any outcome) wrote, or whose send failed
 *       (a fail means it did not happen).</li>
 * </ul>
 * Pure and stateless: {@link #check} may be called from any thread.
 */
public final class QueueChecker {

    /** Observations of one key: which value sits at which offset, and where each came from. */
    private static final class KeyState {
        final NavigableMap<Long, Map<Long, Long>> valuesAtOffset = new TreeMap<>(); // offset -> value -> op
        final Map<Long, Map<Long, Long>> offsetsOfValue = new HashMap<>(); // value -> offset -> op
        final Map<Long, Op> acked = new LinkedHashMap<>(); // value -> ok send
        final Set<Long> unknownOutcome = new java.util.HashSet<>(); // values of info sends
        final Set<Long> read = new java.util.HashSet<>();
        final Set<Long> finalRead = new java.util.HashSet<>();
        final Map<Long, Long> firstRead = new HashMap<>(); // value -> the first poll that read it
        long maxRead = -1;
        long maxReadOp = -1;

        void observe(long offset, long value, long op) {
            valuesAtOffset.computeIfAbsent(offset, o -> new TreeMap<>()).putIfAbsent(value, op);
            offsetsOfValue.computeIfAbsent(value, v -> new TreeMap<>()).putIfAbsent(offset, op);
        }
    }

    public CheckResult check(List<Op> ops) {
        Map<String, KeyState> keys = new TreeMap<>();
        Pairs pairs = new Pairs(ops);
        long polls = 0;
        int lastHeal = -1; // the final reads follow the last heal; histories without one have none
        for (int i = 0; i < ops.size(); i++) {
            if ("heal".equals(ops.get(i).f())) {
                lastHeal = i;
            }
        }
        for (int i = 0; i < ops.size(); i++) {
            Op op = ops.get(i);
            boolean finalRead = lastHeal >= 0 && i > lastHeal;
            if (op.type() == Op.Type.INFO && "send".equals(op.f()) && op.value() != null) {
                keys.computeIfAbsent(op.key(), x -> new KeyState()).unknownOutcome.add(op.longValue());
            }
            if (!op.isOk()) {
                continue;
            }
            if ("send".equals(op.f()) && op.offset() != null) {
                KeyState k = keys.computeIfAbsent(op.key(), x -> new KeyState());
                k.acked.put(op.longValue(), op);
                k.observe(op.offset(), op.longValue(), op.index());
            } else if ("poll".equals(op.f())) {
                polls++;
                forEachRead(op, (key, offset, value) -> {
                    KeyState k = keys.computeIfAbsent(key, x -> new KeyState());
                    k.observe(offset, value, op.index());
                    k.read.add(value);
                    if (finalRead) {
                        k.finalRead.add(value);
                    }
                    k.firstRead.putIfAbsent(value, op.index());
                    if (offset > k.maxRead) {
                        k.maxRead = offset;
                        k.maxReadOp = op.index();
                    }
                });
            }
        }
        List<Anomaly> anomalies = new ArrayList<>();
        long ackedCount = 0;
        long readCount = 0;
        for (Map.Entry<String, KeyState> e : keys.entrySet()) {
            KeyState k = e.getValue();
            ackedCount += k.acked.size();
            readCount += k.read.size();
            lostAndUnseen(e.getKey(), k, anomalies);
            if (lastHeal >= 0) {
                lostAfterRead(e.getKey(), k, anomalies);
            }
            offsetConflicts(e.getKey(), k, anomalies);
        }
        phantoms(ops, keys, anomalies);
        pollOrder(ops, keys, anomalies);
        sendOrder(ops, pairs, anomalies);
        Map<String, Object> stats = new LinkedHashMap<>();
        stats.put("acknowledged-sends", ackedCount);
        stats.put("distinct-values-read", readCount);
        stats.put("ok-polls", polls);
        return new CheckResult(anomalies, stats);
    }

    /** Calls {@code sink} for every {@code [offset, value]} of an ok poll, in the order they were returned. */
    static void forEachRead(Op poll, ReadSink sink) {
        for (Map.Entry<String, Object> e : poll.mapValue().entrySet()) {
            for (Object pair : (List<?>) e.getValue()) {
                List<?> ov = (List<?>) pair;
                sink.accept(e.getKey(), ((Number) ov.get(0)).longValue(), ((Number) ov.get(1)).longValue());
            }
        }
    }

    @FunctionalInterface
    interface ReadSink {
        void accept(String key, long offset, long value);
    }

    private static void lostAndUnseen(String key, KeyState k, List<Anomaly> out) {
        for (Op send : k.acked.values()) {
            long value = send.longValue();
            if (k.read.contains(value)) {
                continue;
            }
            if (send.offset() < k.maxRead) {
                out.add(new Anomaly("lost-write", key, "value " + value + " acknowledged at offset " + send.offset()
                        + " was never read, though offset " + k.maxRead + " was", List.of(send.index(), k.maxReadOp)));
            } else {
                out.add(new Anomaly("unseen", key, "value " + value + " acknowledged at offset " + send.offset()
                        + " was never read (highest offset read: " + k.maxRead + ")", List.of(send.index())));
            }
        }
    }

    /**
     * Acknowledged values that readers saw during the run but the final reads, which read every
     * partition from its beginning, did not: data served and later lost (a power loss that took a
     * whole partition directory, say), which the plain lost-write check cannot see.
     */
    private static void lostAfterRead(String key, KeyState k, List<Anomaly> out) {
        for (Op send : k.acked.values()) {
            long value = send.longValue();
            if (k.read.contains(value) && !k.finalRead.contains(value)) {
                out.add(new Anomaly("lost-after-read", key, "value " + value + " acknowledged at offset " + send.offset()
                        + " was read during the run but not by the final reads",
                        List.of(send.index(), k.firstRead.get(value))));
            }
        }
        for (long value : new TreeSet<>(k.unknownOutcome)) {
            if (!k.acked.containsKey(value) && k.read.contains(value) && !k.finalRead.contains(value)) {
                out.add(new Anomaly("lost-after-read", key, "value " + value + " (its send's outcome unknown to the"
                        + " writer) was read during the run, so it was committed, but not by the final reads",
                        List.of(k.firstRead.get(value))));
            }
        }
    }

    private static void offsetConflicts(String key, KeyState k, List<Anomaly> out) {
        for (Map.Entry<Long, Map<Long, Long>> e : k.offsetsOfValue.entrySet()) {
            if (e.getValue().size() > 1) {
                out.add(new Anomaly("duplicate", key, "value " + e.getKey() + " at offsets " + e.getValue().keySet(),
                        List.copyOf(new TreeSet<>(e.getValue().values()))));
            }
        }
        for (Map.Entry<Long, Map<Long, Long>> e : k.valuesAtOffset.entrySet()) {
            if (e.getValue().size() > 1) {
                out.add(new Anomaly("inconsistent-offsets", key, "offset " + e.getKey() + " holds values "
                        + e.getValue().keySet(), List.copyOf(new TreeSet<>(e.getValue().values()))));
            }
        }
    }

    /** Values read that were never sent to that key, or whose send failed. */
    private static void phantoms(List<Op> ops, Map<String, KeyState> keys, List<Anomaly> out) {
        Map<String, Map<Long, Op>> attempts = new HashMap<>(); // key -> value -> the send's last record
        for (Op op : ops) {
            if ("send".equals(op.f()) && op.value() != null) {
                attempts.computeIfAbsent(op.key(), x -> new HashMap<>()).put(op.longValue(), op);
            }
        }
        keys.forEach((key, k) -> k.firstRead.forEach((value, poll) -> {
            Op send = attempts.getOrDefault(key, Map.of()).get(value);
            if (send == null) {
                out.add(new Anomaly("phantom-read", key, "value " + value + " was read but never sent here", List.of(poll)));
            } else if (send.type() == Op.Type.FAIL) {
                out.add(new Anomaly("phantom-read", key, "value " + value + " was read though its send failed",
                        List.of(send.index(), poll)));
            }
        }));
    }

    /**
     * Poll-skip and nonmonotonic-poll, per consumer process and key. A reader's own assign keeps the
     * positions of the partitions it keeps; a group's assignment (its members may be sent back to the
     * committed offset) starts every partition afresh.
     */
    private static void pollOrder(List<Op> ops, Map<String, KeyState> keys, List<Anomaly> out) {
        Map<Integer, Map<String, long[]>> last = new HashMap<>(); // process -> key -> {offset, op}
        for (Op op : ops) {
            if ("assign".equals(op.f()) && op.isInvoke()) {
                Map<String, long[]> mine = last.get(op.process());
                if (op.group() != null || mine == null) {
                    last.remove(op.process());
                } else {
                    Set<String> kept = new java.util.HashSet<>();
                    op.listValue().forEach(k -> kept.add(String.valueOf(k)));
                    mine.keySet().retainAll(kept);
                }
            } else if ("poll".equals(op.f()) && op.isOk()) {
                Map<String, long[]> mine = last.computeIfAbsent(op.process(), p -> new HashMap<>());
                forEachRead(op, (key, offset, value) -> {
                    long[] prev = mine.get(key);
                    if (prev != null) {
                        comparePolls(key, prev, offset, op.index(), keys.get(key), out);
                    }
                    mine.put(key, new long[] {offset, op.index()});
                });
            }
        }
    }

    private static void comparePolls(String key, long[] prev, long offset, long opIndex, KeyState k, List<Anomaly> out) {
        List<Long> behind = prev[1] == opIndex ? List.of(opIndex) : List.of(prev[1], opIndex);
        if (offset <= prev[0]) {
            out.add(new Anomaly("nonmonotonic-poll", key, "a consumer read offset " + offset + " after offset "
                    + prev[0] + " without losing the partition in between", behind));
            return;
        }
        NavigableMap<Long, Map<Long, Long>> between = k.valuesAtOffset.subMap(prev[0], false, offset, false);
        if (!between.isEmpty()) {
            out.add(new Anomaly("poll-skip", key, "a consumer went from offset " + prev[0] + " to " + offset
                    + ", skipping offsets " + abbreviate(between.keySet()) + " that hold values", behind));
        }
    }

    /** Nonmonotonic-send: per process and key, ok sends in invocation order must get increasing offsets. */
    private static void sendOrder(List<Op> ops, Pairs pairs, List<Anomaly> out) {
        Map<String, TreeMap<Long, Op>> byProcessKey = new HashMap<>(); // "process/key" -> invoke index -> ok
        for (Op op : ops) {
            if ("send".equals(op.f()) && op.isOk() && op.offset() != null) {
                Op invoke = pairs.invocation(op);
                long order = invoke == null ? op.index() : invoke.index();
                byProcessKey.computeIfAbsent(op.process() + "/" + op.key(), x -> new TreeMap<>()).put(order, op);
            }
        }
        for (TreeMap<Long, Op> sends : byProcessKey.values()) {
            Op prev = null;
            for (Op op : sends.values()) {
                if (prev != null && op.offset() <= prev.offset()) {
                    out.add(new Anomaly("nonmonotonic-send", op.key(), "process " + op.process() + " sent value "
                            + op.longValue() + " after " + prev.longValue() + " but got offset " + op.offset()
                            + " after " + prev.offset(), List.of(prev.index(), op.index())));
                }
                prev = op;
            }
        }
    }

    private static String abbreviate(Set<Long> offsets) {
        List<Long> list = new ArrayList<>(offsets);
        return list.size() <= 5 ? list.toString() : list.subList(0, 5) + " and " + (list.size() - 5) + " more";
    }
}
