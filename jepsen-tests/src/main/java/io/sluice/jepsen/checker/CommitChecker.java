package io.sluice.jepsen.checker;

import io.sluice.jepsen.history.Op;
import io.sluice.jepsen.history.Pairs;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableSet;
import java.util.TreeSet;

/**
 * Checks consumer-group offsets, per group and partition:
 * <ul>
 *   <li>committed-offset-regression: an operation that started after a commit of offset {@code c} was
 *       acknowledged (a later commit's acknowledgement, or a read of the committed offsets) reports an
 *       offset below {@code c};</li>
 *   <li>assignment-start: a consumer given a partition by its group starts below the offset committed
 *       before the assignment, or skips past every offset committed by then (a new owner must start
 *       exactly at the committed offset).</li>
 * </ul>
 * A commit of unknown outcome (info, or never completed) is no observation, but it may have taken
 * effect, so a new owner may start at its offset. Pure and stateless.
 */
public final class CommitChecker {

    /** A committed offset as an operation reported it, with when it was invoked and completed. */
    private record Observation(long offset, long invokeTime, long completeTime, long op) {
    }

    public CheckResult check(List<Op> ops) {
        Pairs pairs = new Pairs(ops);
        Map<String, List<Observation>> observations = new HashMap<>(); // "group/key"
        Map<String, List<Observation>> unknown = new HashMap<>(); // commits that may or may not have happened
        long commits = 0;
        for (Op op : ops) {
            if (op.group() == null || op.isInvoke() || !("commit".equals(op.f()) || "committed".equals(op.f()))) {
                continue;
            }
            Op invoke = pairs.invocation(op);
            long invokeTime = invoke == null ? op.time() : invoke.time();
            if (op.isOk()) {
                commits += "commit".equals(op.f()) ? 1 : 0;
                observe(observations, op.group(), op.mapValue(), invokeTime, op.time(), op.index());
            } else if (op.type() == Op.Type.INFO && "commit".equals(op.f())) {
                observe(unknown, op.group(), (invoke == null ? op : invoke).mapValue(), invokeTime, op.time(), op.index());
            }
        }
        for (Op invoke : pairs.openAtEnd()) {
            if ("commit".equals(invoke.f()) && invoke.group() != null) {
                observe(unknown, invoke.group(), invoke.mapValue(), invoke.time(), Long.MAX_VALUE, invoke.index());
            }
        }
        List<Anomaly> anomalies = new ArrayList<>();
        observations.forEach((key, list) -> regressions(key, list, anomalies));
        assignmentStarts(ops, observations, unknown, anomalies);
        Map<String, Object> stats = new LinkedHashMap<>();
        stats.put("ok-commits", commits);
        return new CheckResult(anomalies, stats);
    }

    private static void observe(Map<String, List<Observation>> into, String group, Map<String, Object> offsets,
                                long invokeTime, long completeTime, long op) {
        for (Map.Entry<String, Object> e : offsets.entrySet()) {
            into.computeIfAbsent(group + "/" + e.getKey(), x -> new ArrayList<>())
                    .add(new Observation(((Number) e.getValue()).longValue(), invokeTime, completeTime, op));
        }
    }

    private static void regressions(String key, List<Observation> list, List<Anomaly> out) {
        for (Observation later : list) {
            Observation worst = null;
            for (Observation earlier : list) {
                if (earlier.completeTime() < later.invokeTime() && earlier.offset() > later.offset()
                        && (worst == null || earlier.offset() > worst.offset())) {
                    worst = earlier;
                }
            }
            if (worst != null) {
                out.add(new Anomaly("committed-offset-regression", key, "committed offset " + later.offset()
                        + " seen after offset " + worst.offset() + " had been committed",
                        List.of(worst.op(), later.op())));
            }
        }
    }

    /** The first read after a group assignment must start at the committed offset. */
    private static void assignmentStarts(List<Op> ops, Map<String, List<Observation>> commits,
                                         Map<String, List<Observation>> unknown, List<Anomaly> out) {
        Map<String, NavigableSet<Long>> known = new HashMap<>(); // key -> offsets known to hold values
        for (Op op : ops) {
            if ("poll".equals(op.f()) && op.isOk()) {
                QueueChecker.forEachRead(op, (key, offset, value) ->
                        known.computeIfAbsent(key, k -> new TreeSet<>()).add(offset));
            }
        }
        Map<Integer, Map<String, Op>> pending = new HashMap<>(); // process -> key -> the assign waiting for a read
        for (Op op : ops) {
            if ("assign".equals(op.f()) && op.isOk() && op.group() != null) {
                Map<String, Op> mine = new HashMap<>();
                op.listValue().forEach(k -> mine.put((String) k, op));
                pending.put(op.process(), mine);
            } else if ("poll".equals(op.f()) && op.isOk() && pending.containsKey(op.process())) {
                Map<String, Op> mine = pending.get(op.process());
                Map<String, Long> first = new LinkedHashMap<>();
                QueueChecker.forEachRead(op, (key, offset, value) -> first.putIfAbsent(key, offset));
                first.forEach((key, offset) -> {
                    Op assign = mine.remove(key);
                    if (assign != null) {
                        String groupKey = assign.group() + "/" + key;
                        checkStart(assign, op, key, offset, commits.getOrDefault(groupKey, List.of()),
                                unknown.getOrDefault(groupKey, List.of()), known.getOrDefault(key, new TreeSet<>()), out);
                    }
                });
            }
        }
    }

    private static void checkStart(Op assign, Op poll, String key, long offset, List<Observation> committed,
                                   List<Observation> unknown, NavigableSet<Long> known, List<Anomaly> out) {
        long low = -1;
        long high = -1;
        for (Observation c : committed) {
            if (c.completeTime() < assign.time()) {
                low = Math.max(low, c.offset()); // surely committed before the assignment
            }
            if (c.invokeTime() < poll.time()) {
                high = Math.max(high, c.offset()); // possibly committed before the read
            }
        }
        for (Observation c : unknown) {
            if (c.invokeTime() < poll.time()) {
                high = Math.max(high, c.offset()); // an info commit may have been applied
            }
        }
        if (low >= 0 && offset < low) {
            out.add(new Anomaly("assignment-start", assign.group() + "/" + key, "new owner started at offset " + offset
                    + " below the committed offset " + low, List.of(assign.index(), poll.index())));
        } else if (high >= 0 && high < offset && !known.subSet(high, true, offset, false).isEmpty()) {
            out.add(new Anomaly("assignment-start", assign.group() + "/" + key, "new owner started at offset " + offset
                    + ", past the committed offset " + high + " and the values after it",
                    List.of(assign.index(), poll.index())));
        }
    }
}
