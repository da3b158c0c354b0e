package io.sluice.jepsen.checker;

import io.sluice.jepsen.history.Op;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * At most one leader per partition and leader epoch: every {@code leaders} observation (a node's
 * metadata, polled during the test) of the same partition and epoch must name the same broker. Pure.
 */
public final class LeaderChecker {

    public CheckResult check(List<Op> ops) {
        Map<String, Map<Long, Map<Long, Long>>> seen = new TreeMap<>(); // key -> epoch -> leader -> op
        long observations = 0;
        for (Op op : ops) {
            if (!"leaders".equals(op.f()) || !op.isOk()) {
                continue;
            }
            for (Map.Entry<String, Object> e : op.mapValue().entrySet()) {
                List<?> leaderEpoch = (List<?>) e.getValue();
                long leader = ((Number) leaderEpoch.get(0)).longValue();
                long epoch = ((Number) leaderEpoch.get(1)).longValue();
                if (leader < 0) {
                    continue; // no leader is not a second leader
                }
                observations++;
                seen.computeIfAbsent(e.getKey(), k -> new TreeMap<>())
                        .computeIfAbsent(epoch, x -> new TreeMap<>()).putIfAbsent(leader, op.index());
            }
        }
        List<Anomaly> anomalies = new ArrayList<>();
        seen.forEach((key, epochs) -> epochs.forEach((epoch, leaders) -> {
            if (leaders.size() > 1) {
                anomalies.add(new Anomaly("two-leaders-in-epoch", key, "epoch " + epoch + " had leaders "
                        + leaders.keySet(), List.copyOf(leaders.values())));
            }
        }));
        return new CheckResult(anomalies, Map.of("leader-observations", observations));
    }
}
