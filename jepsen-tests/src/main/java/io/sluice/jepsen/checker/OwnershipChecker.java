package io.sluice.jepsen.checker;

import io.sluice.jepsen.history.Op;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Exclusive ownership per generation: one generation of a consumer group never gives a partition to
 * two members. Reads the {@code owns} operations (group, value {@code {generation, member, partitions}})
 * that members record for every generation they join on a protocol with group-wide generations (Kafka's
 * classic one). Two members of different generations may both believe they own a partition for a
 * while (a member cut off has not heard of the next generation yet); the generation is what fences the
 * older one's commits, so only a clash within one generation is an anomaly. Pure.
 */
public final class OwnershipChecker {
    private record Owner(String member, long op) {
    }

    public CheckResult check(List<Op> ops) {
        Map<String, Map<String, Owner>> owners = new HashMap<>(); // "group generation" -> partition -> owner
        List<Anomaly> anomalies = new ArrayList<>();
        long generations = 0;
        for (Op op : ops) {
            if (!"owns".equals(op.f()) || !op.isOk()) {
                continue;
            }
            Map<String, Object> v = op.mapValue();
            long generation = ((Number) v.get("generation")).longValue();
            String member = String.valueOf(v.get("member"));
            String key = op.group() + " " + generation;
            Map<String, Owner> partitions = owners.computeIfAbsent(key, k -> new HashMap<>());
            if (partitions.isEmpty()) {
                generations++;
            }
            for (Object p : (List<?>) v.get("partitions")) {
                Owner before = partitions.putIfAbsent(String.valueOf(p), new Owner(member, op.index()));
                if (before != null && !before.member().equals(member)) {
                    anomalies.add(new Anomaly("shared-ownership", String.valueOf(p), "generation " + generation
                            + " of group " + op.group() + " gave partition " + p + " to members " + before.member()
                            + " and " + member, List.of(before.op(), op.index())));
                }
            }
        }
        Map<String, Object> stats = new LinkedHashMap<>();
        stats.put("group-generations-seen", generations);
        return new CheckResult(anomalies, stats);
    }
}
