package io.sluice.jepsen.nemesis;

import io.sluice.client.PartitionInfo;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * A topic's partitions and a controller that moves them, for the {@code reassign} nemesis's tests: a
 * move runs until {@link #ongoing} has been asked {@code pollsToFinish} times, then every running move
 * completes at once (the target's first replica leads); a cancel puts nothing back since nothing moved
 * yet. Records what it was asked in {@link #events}. Not thread-safe.
 */
final class FakePartitions implements ReassignmentTarget {
    final List<String> events = new ArrayList<>();
    final Map<Integer, PartitionInfo> partitions = new TreeMap<>();
    final Map<Integer, List<Integer>> running = new TreeMap<>();
    final Set<Integer> refuse = new TreeSet<>();
    int pollsToFinish;
    boolean unreachable;

    /** {@code count} partitions of topic "t", each on nodes 1, 2, 3 and led by 1. */
    FakePartitions(int count) {
        for (int p = 0; p < count; p++) {
            partitions.put(p, new PartitionInfo("t", p, 1, 0, List.of(1, 2, 3), List.of(1, 2, 3), List.of()));
        }
    }

    @Override
    public Map<Integer, PartitionInfo> describe(String topic) {
        if (unreachable) {
            throw new IllegalStateException("describing t failed: no answer");
        }
        return new TreeMap<>(partitions);
    }

    @Override
    public Map<Integer, String> alter(String topic, Map<Integer, Optional<List<Integer>>> targets) {
        Map<Integer, String> refused = new LinkedHashMap<>();
        targets.forEach((p, target) -> {
            if (refuse.contains(p)) {
                refused.put(p, "refused by the test");
            } else if (target.isEmpty()) {
                if (running.remove(p) == null) {
                    refused.put(p, "no reassignment in progress");
                } else {
                    events.add("cancel " + p);
                }
            } else {
                running.put(p, target.get());
                events.add("move " + p + " " + target.get());
            }
        });
        return refused;
    }

    @Override
    public Set<Integer> ongoing(String topic) {
        if (pollsToFinish-- <= 0) {
            running.forEach((p, target) -> partitions.put(p, new PartitionInfo("t", p, target.get(0), 1, target, target,
                    List.of())));
            running.clear();
        }
        return new TreeSet<>(running.keySet());
    }
}
