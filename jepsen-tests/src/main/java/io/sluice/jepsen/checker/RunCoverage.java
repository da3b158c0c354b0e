package io.sluice.jepsen.checker;

import io.sluice.jepsen.history.Op;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Whether a run could have found anything: a run with no acknowledged write, a fault that was not
 * injected (skipped ones aside: a leader-targeted fault when no leader exists), or fault families the
 * run could not make (no network namespaces) cannot fail the checks
 * that matter, so its verdict is unknown with the reasons, never valid. Jepsen's lesson: a checker that
 * passes by accident looks exactly like one that passes. Stateless.
 */
public final class RunCoverage {
    /**
     * The client operations that change state: what "acknowledged" means for the workloads ({@code write}
     * and {@code delete} are also the compacted workload's keyed records and tombstones).
     */
    static final Set<String> WRITES = Set.of("send", "commit", "create", "alter", "delete", "write");
    /**
     * How the nemesis starts the error of a fault it skipped because its target did not exist at the
     * time (no leader known after waiting): a state of the cluster, not a failure of the harness.
     */
    public static final String SKIPPED = "skipped: ";

    private RunCoverage() {
    }

    /**
     * @param ops the run's history
     * @param faultsRequested whether the schedule held any fault (false for {@code --nemesis none})
     * @param notMade why requested fault families were left out of the schedule (empty when none were)
     */
    public static CheckResult check(List<Op> ops, boolean faultsRequested, List<String> notMade) {
        List<String> reasons = new ArrayList<>(notMade);
        if (ops.stream().noneMatch(o -> o.isOk() && o.process() >= 0 && WRITES.contains(o.f()))) {
            reasons.add("no write was acknowledged, so no loss could be seen");
        }
        long injected = 0;
        long skipped = 0;
        for (Op op : ops) {
            if (!op.f().equals("fault-start") || op.isInvoke()) {
                continue;
            }
            if (op.isOk()) {
                injected++;
            } else if (op.error() != null && op.error().startsWith(SKIPPED)) {
                skipped++;
            } else {
                reasons.add("fault not injected: " + op.value() + (op.error() == null ? "" : " (" + op.error() + ")"));
            }
        }
        if (faultsRequested && injected == 0) {
            reasons.add("faults were asked for and none was injected");
        }
        return new CheckResult(List.of(), Map.of("faults-injected", injected, "faults-skipped", skipped), reasons);
    }
}
