package io.sluice.jepsen.checker;

import io.sluice.jepsen.history.Op;
import io.sluice.jepsen.history.Pairs;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * How available the cluster stayed: the run cut into periods (each fault window, from its first fault's
 * start to its heal, and the quiet periods between them, from the first write to the last), and for
 * each the writes that completed, the share acknowledged, and the longest time without an acknowledged
 * write (counted from the period's start and up to its end, so a period with no acknowledgement at all
 * reports its whole length). Not part of the verdict: a log may refuse writes during a fault; it may not
 * lose them. Stateless.
 */
public final class Availability {
    private Availability() {
    }

    /** One period of the run. Times in milliseconds since the test started. */
    public record Period(String what, long startMs, long endMs, int completed, int acknowledged, long longestGapMs) {
        public double acknowledgedShare() {
            return completed == 0 ? 0 : (double) acknowledged / completed;
        }

        public Map<String, Object> toJson() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("period", what);
            m.put("start-ms", startMs);
            m.put("end-ms", endMs);
            m.put("writes-completed", completed);
            m.put("writes-acknowledged", acknowledged);
            m.put("acknowledged-share", Math.round(acknowledgedShare() * 1000) / 1000.0);
            m.put("longest-gap-ms", longestGapMs);
            return m;
        }
    }

    /** The periods of a run, in time order; empty when no write was invoked. */
    public static List<Period> periods(List<Op> ops) {
        Pairs pairs = new Pairs(ops);
        List<Op> writes = ops.stream().filter(o -> o.process() >= 0 && RunCoverage.WRITES.contains(o.f())).toList();
        if (writes.isEmpty()) {
            return List.of();
        }
        long first = writes.get(0).time();
        long last = writes.get(writes.size() - 1).time();
        List<long[]> bounds = new ArrayList<>();
        List<String> names = new ArrayList<>();
        long cursor = first;
        Op open = null;
        for (Op op : ops) {
            if (op.f().equals("fault-start") && op.isOk() && open == null && op.time() < last) {
                open = op; // composed faults: one window from the first start to the common stop
            } else if (op.f().equals("fault-stop") && op.isOk() && open != null) {
                cursor = addPeriod(bounds, names, cursor, open.time(), "quiet");
                cursor = addPeriod(bounds, names, Math.max(cursor, open.time()), op.time(), String.valueOf(op.value()));
                open = null;
            }
        }
        if (open != null) {
            cursor = addPeriod(bounds, names, cursor, open.time(), "quiet");
            cursor = addPeriod(bounds, names, cursor, last, open.value() + " (until the final heal)");
        }
        addPeriod(bounds, names, cursor, last, "quiet");
        List<Period> periods = new ArrayList<>();
        for (int i = 0; i < bounds.size(); i++) {
            periods.add(period(names.get(i), bounds.get(i)[0], bounds.get(i)[1], i == bounds.size() - 1, writes, pairs));
        }
        return periods;
    }

    /** The longest time without an acknowledged write over the whole run (0 when none was invoked). */
    public static long longestGapMs(List<Op> ops) {
        List<Op> writes = ops.stream().filter(o -> o.process() >= 0 && RunCoverage.WRITES.contains(o.f())).toList();
        return writes.isEmpty() ? 0
                : period("all", writes.get(0).time(), writes.get(writes.size() - 1).time(), true, writes,
                        new Pairs(ops))
                        .longestGapMs();
    }

    private static long addPeriod(List<long[]> bounds, List<String> names, long from, long to, String what) {
        if (to > from) {
            bounds.add(new long[] {from, to});
            names.add(what);
            return to;
        }
        return from;
    }

    /** Counts the completions in [from, to), or [from, to] for the last period. */
    private static Period period(String what, long from, long to, boolean last, List<Op> writes, Pairs pairs) {
        int completed = 0;
        int acknowledged = 0;
        long previousAck = from;
        long longestGap = 0;
        for (Op op : writes) {
            if (op.isInvoke() || op.time() < from || op.time() > to || op.time() == to && !last
                    || pairs.invocation(op) == null) {
                continue;
            }
            completed++;
            if (op.isOk()) {
                acknowledged++;
                longestGap = Math.max(longestGap, op.time() - previousAck);
                previousAck = op.time();
            }
        }
        longestGap = Math.max(longestGap, to - previousAck);
        return new Period(what, from / 1_000_000, to / 1_000_000, completed, acknowledged, longestGap / 1_000_000);
    }
}
