package io.sluice.group;

import io.sluice.protocol.TopicPartition;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Spreads all subscribed partitions evenly over the members, across topics (the "uniform" strategy):
 * members keep what they hold, unowned partitions go one by one to the least loaded member that
 * subscribes to their topic (ties by member id, which deals a new group's partitions round-robin), and
 * then partitions move from a member to one holding at least two fewer until no such move exists.
 * Every move strictly lowers the sum of squared loads, so the loop ends; with identical subscriptions
 * the loads then differ by at most one. Stateless; thread-safe.
 */
public final class RoundRobinAssignor implements PartitionAssignor {
    public static final String NAME = "roundrobin";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Map<String, Set<TopicPartition>> assign(AssignmentSpec spec) {
        Map<String, Set<TopicPartition>> result = new TreeMap<>();
        spec.members().keySet().forEach(id -> result.put(id, new TreeSet<>()));
        Map<TopicPartition, String> owner = new HashMap<>();
        spec.members().forEach((id, member) -> member.current().stream().sorted()
                .filter(tp -> spec.isValidFor(member, tp) && !owner.containsKey(tp))
                .forEach(tp -> {
                    owner.put(tp, id);
                    result.get(id).add(tp);
                }));
        List<TopicPartition> all = allPartitions(spec);
        for (TopicPartition tp : all) {
            if (!owner.containsKey(tp)) {
                String target = leastLoaded(spec, result, tp, Integer.MAX_VALUE);
                owner.put(tp, target);
                result.get(target).add(tp);
            }
        }
        balance(spec, result, owner, all);
        return result;
    }

    private static List<TopicPartition> allPartitions(AssignmentSpec spec) {
        List<TopicPartition> all = new ArrayList<>();
        for (String topic : spec.subscribedTopics()) {
            for (int p = 0; p < spec.partitionCounts().get(topic); p++) {
                all.add(new TopicPartition(topic, p));
            }
        }
        return all;
    }

    /** Moves partitions (last first, so low partition numbers stay put) from overloaded members. */
    private static void balance(AssignmentSpec spec, Map<String, Set<TopicPartition>> result,
                                Map<TopicPartition, String> owner, List<TopicPartition> all) {
        boolean moved = true;
        while (moved) {
            moved = false;
            for (int i = all.size() - 1; i >= 0; i--) {
                TopicPartition tp = all.get(i);
                String from = owner.get(tp);
                int fromLoad = result.get(from).size();
                String to = leastLoaded(spec, result, tp, fromLoad - 1);
                if (to != null) {
                    result.get(from).remove(tp);
                    result.get(to).add(tp);
                    owner.put(tp, to);
                    moved = true;
                }
            }
        }
    }

    /** The least loaded member subscribed to the partition's topic with a load below {@code below}, or null. */
    private static String leastLoaded(AssignmentSpec spec, Map<String, Set<TopicPartition>> result, TopicPartition tp,
                                      int below) {
        String best = null;
        int bestLoad = below;
        for (Map.Entry<String, AssignmentSpec.Member> e : spec.members().entrySet()) {
            int load = result.get(e.getKey()).size();
            if (e.getValue().subscribes(tp.topic()) && load < bestLoad) {
                best = e.getKey();
                bestLoad = load;
            }
        }
        return best;
    }
}
