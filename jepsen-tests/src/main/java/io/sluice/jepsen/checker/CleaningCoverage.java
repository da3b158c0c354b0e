package io.sluice.jepsen.checker;

import io.sluice.jepsen.history.Op;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Whether a compacted run tested what it is for: that nodes crashed while their log cleaner was at
 * work. Two kinds of evidence, from the history:
 * <ul>
 *   <li>a crash ({@code kill} or {@code power-loss*} fault) of a node whose {@code cleaner} observations
 *       in the {@value #WINDOW_MS} ms before it show a pass finishing or records being removed: with a
 *       throttled cleaner that starts its next pass {@code log.cleaner.backoff.ms} later, a cleaner
 *       that finished one a second ago is most likely in the middle of the next (an approximation: the
 *       observer cannot see a pass in progress);</li>
 *   <li>{@code recovered-cleanings}: how often a restart found a cleaning a crash had interrupted (a
 *       {@code .cleaned} file deleted or a {@code .swap} finished, from the node logs): direct evidence.</li>
 * </ul>
 * If neither occurred, the verdict is unknown (the reason says so): a green verdict would claim what
 * the run did not test. The stats also count cleaning passes and records removed that the
 * observations saw over the whole run. Pure.
 */
public final class CleaningCoverage {
    static final long WINDOW_MS = 6_000;
    private static final Pattern CRASH = Pattern.compile("^(kill|power-loss(?:-all|-dirs)?) \\S+ \\[([0-9, ]*)\\]");

    /** One observation: when, and the node's totals over the partitions (passes, records removed). */
    private record Seen(long time, long passes, long removed) {
    }

    public CheckResult check(List<Op> history) {
        Map<Integer, List<Seen>> seen = new LinkedHashMap<>();
        List<long[]> crashes = new ArrayList<>(); // {time, node}
        long recovered = 0;
        for (Op op : history) {
            if ("cleaner".equals(op.f()) && op.isOk()) {
                long passes = 0;
                long removed = 0;
                for (Object v : op.mapValue().values()) {
                    List<?> p = (List<?>) v;
                    passes += ((Number) p.get(1)).longValue();
                    removed += ((Number) p.get(2)).longValue();
                }
                seen.computeIfAbsent(Integer.parseInt(op.key()), n -> new ArrayList<>()).add(new Seen(op.time(), passes, removed));
            } else if ("fault-start".equals(op.f()) && op.isOk() && op.value() instanceof String s) {
                Matcher m = CRASH.matcher(s);
                if (m.find() && !m.group(2).isBlank()) {
                    for (String node : m.group(2).split(",\\s*")) {
                        crashes.add(new long[] {op.time(), Long.parseLong(node.trim())});
                    }
                }
            } else if ("recovered-cleanings".equals(op.f()) && op.isOk()) {
                for (Object n : op.mapValue().values()) {
                    recovered += ((Number) n).longValue();
                }
            }
        }
        long whileCleaning = crashes.stream()
                .filter(c -> cleaningBefore(seen.getOrDefault((int) c[1], List.of()), c[0])).count();
        long[] totals = totals(seen);
        Map<String, Object> stats = new LinkedHashMap<>();
        stats.put("node-crashes", (long) crashes.size());
        stats.put("node-crashes-while-cleaning", whileCleaning);
        stats.put("interrupted-cleanings-recovered", recovered);
        stats.put("cleaning-passes-observed", totals[0]);
        stats.put("records-removed-observed", totals[1]);
        List<String> unknown = new ArrayList<>();
        if (whileCleaning == 0 && recovered == 0) {
            unknown.add(crashes.size() + " node crashes, none while the node's cleaner was seen at work, and no"
                    + " restart found an interrupted cleaning: the run does not show that a crash during cleaning"
                    + " is survived");
        }
        return new CheckResult(List.of(), stats, unknown);
    }

    /** Whether consecutive observations (of one process: the totals did not fall) in the window before {@code t} show progress. */
    private static boolean cleaningBefore(List<Seen> seen, long t) {
        Seen previous = null;
        for (Seen s : seen) {
            if (s.time() > t) {
                break;
            }
            if (previous != null && s.time() >= t - WINDOW_MS * 1_000_000 && s.passes() >= previous.passes()
                    && (s.passes() > previous.passes() || s.removed() > previous.removed())) {
                return true;
            }
            previous = s;
        }
        return false;
    }

    /** Passes and records removed over the run: the sum of every increase between consecutive observations of a node. */
    private static long[] totals(Map<Integer, List<Seen>> seen) {
        long[] t = new long[2];
        for (List<Seen> list : seen.values()) {
            for (int i = 1; i < list.size(); i++) {
                Seen a = list.get(i - 1);
                Seen b = list.get(i);
                boolean restarted = b.passes() < a.passes() || b.removed() < a.removed();
                t[0] += restarted ? b.passes() : b.passes() - a.passes();
                t[1] += restarted ? b.removed() : b.removed() - a.removed();
            }
        }
        return t;
    }
}
