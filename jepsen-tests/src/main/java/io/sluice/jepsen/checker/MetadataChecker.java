package io.sluice.jepsen.checker;

import io.sluice.jepsen.history.Op;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Checks the metadata workload: each topic is changed by one client at a time ({@code create},
 * {@code alter} of one config to an integer, {@code delete}), and a final {@code describe} lists every
 * topic with its config value (-1 when not overridden). Walking a topic's outcomes in order gives the
 * set of states it may be in (an ok fixes the state, an info adds a possibility, a fail changes
 * nothing); metadata-lost-change is reported when the final state is not among them. Pure.
 */
public final class MetadataChecker {
    static final long ABSENT = Long.MIN_VALUE;
    static final long NO_OVERRIDE = -1;

    public CheckResult check(List<Op> ops) {
        Map<String, Set<Long>> possible = new TreeMap<>();
        Map<String, Long> lastOk = new TreeMap<>();
        Op describe = null;
        for (Op op : ops) {
            if ("describe".equals(op.f()) && op.isOk()) {
                describe = op;
                continue;
            }
            Long next = switch (op.f()) {
                case "create" -> NO_OVERRIDE;
                case "alter" -> op.value() == null ? null : op.longValue();
                case "delete" -> ABSENT;
                default -> null;
            };
            if (next == null || op.isInvoke()) {
                continue;
            }
            Set<Long> states = possible.computeIfAbsent(op.key(), k -> new HashSet<>(Set.of(ABSENT)));
            if (op.type() == Op.Type.FAIL) {
                continue; // it did not happen, but the topic is still watched: it must not appear from nowhere
            }
            if (op.isOk()) {
                states.clear();
                lastOk.put(op.key(), op.index());
            }
            states.add(next);
        }
        List<Anomaly> anomalies = new ArrayList<>();
        Map<String, Object> stats = new LinkedHashMap<>();
        stats.put("topics-changed", possible.size());
        if (describe == null) {
            if (!possible.isEmpty()) {
                anomalies.add(new Anomaly("no-final-describe", "*", "the final describe did not succeed", List.of()));
            }
            return new CheckResult(anomalies, stats);
        }
        Map<String, Object> seen = describe.mapValue();
        for (Map.Entry<String, Set<Long>> e : possible.entrySet()) {
            Object v = seen.get(e.getKey());
            long actual = v == null ? ABSENT : ((Number) v).longValue();
            if (!e.getValue().contains(actual)) {
                List<Long> behind = lastOk.containsKey(e.getKey())
                        ? List.of(lastOk.get(e.getKey()), describe.index()) : List.of(describe.index());
                anomalies.add(new Anomaly("metadata-lost-change", e.getKey(), "finally " + show(actual)
                        + ", expected one of " + e.getValue().stream().map(MetadataChecker::show).toList(), behind));
            }
        }
        return new CheckResult(anomalies, stats);
    }

    private static String show(long state) {
        return state == ABSENT ? "absent" : state == NO_OVERRIDE ? "present without override" : "value " + state;
    }
}
