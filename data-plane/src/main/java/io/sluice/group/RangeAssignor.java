package io.sluice.group;

import io.sluice.protocol.TopicPartition;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Kafka's range strategy made sticky: each topic on its own, its partitions split among the members
 * subscribed to it into shares of {@code n / m} (the first {@code n % m} members one more). Members
 * keep the partitions they hold up to their share; the rest are handed out in partition order. A new
 * group gets contiguous ranges, and members with identical subscriptions to topics with identical
 * partition counts get the same partition numbers of every topic (co-partitioning), because every
 * topic is split by the same rule. Stateless; thread-safe.
 */
public final class RangeAssignor implements PartitionAssignor {
    public static final String NAME = "range";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Map<String, Set<TopicPartition>> assign(AssignmentSpec spec) {
        Map<String, Set<TopicPartition>> result = new TreeMap<>();
        spec.members().keySet().forEach(id -> result.put(id, new TreeSet<>()));
        for (String topic : spec.subscribedTopics()) {
            List<String> subscribers = spec.members().entrySet().stream()
                    .filter(e -> e.getValue().subscribes(topic)).map(Map.Entry::getKey).toList();
            assignTopic(spec, topic, spec.partitionCounts().get(topic), subscribers, result);
        }
        return result;
    }

    private static void assignTopic(AssignmentSpec spec, String topic, int partitions, List<String> subscribers,
                                    Map<String, Set<TopicPartition>> result) {
        Map<String, List<TopicPartition>> held = new HashMap<>();
        for (String id : subscribers) {
            AssignmentSpec.Member member = spec.members().get(id);
            held.put(id, member.current().stream()
                    .filter(tp -> tp.topic().equals(topic) && spec.isValidFor(member, tp)).sorted().toList());
        }
        Map<String, Integer> quota = quotas(partitions, subscribers, held);
        boolean[] taken = new boolean[partitions];
        for (String id : subscribers) {
            for (TopicPartition tp : held.get(id)) {
                if (result.get(id).stream().filter(p -> p.topic().equals(topic)).count() >= quota.get(id)) {
                    break;
                }
                if (!taken[tp.partition()]) {
                    taken[tp.partition()] = true;
                    result.get(id).add(tp);
                }
            }
        }
        int next = 0;
        for (String id : subscribers) {
            long have = result.get(id).stream().filter(p -> p.topic().equals(topic)).count();
            for (; have < quota.get(id); have++) {
                while (taken[next]) {
                    next++;
                }
                taken[next] = true;
                result.get(id).add(new TopicPartition(topic, next));
            }
        }
    }

    /**
     * Shares of one topic: {@code n / m} each, and the {@code n % m} larger shares go first to members
     * that already hold more than the smaller share (so they need not give one up), then by member id.
     */
    private static Map<String, Integer> quotas(int partitions, List<String> subscribers,
                                               Map<String, List<TopicPartition>> held) {
        int base = partitions / subscribers.size();
        int extra = partitions % subscribers.size();
        List<String> order = new ArrayList<>(subscribers);
        order.sort(Comparator.comparing((String id) -> held.get(id).size() > base ? 0 : 1)
                .thenComparing(Comparator.naturalOrder()));
        Map<String, Integer> quota = new HashMap<>();
        for (int i = 0; i < order.size(); i++) {
            quota.put(order.get(i), base + (i < extra ? 1 : 0));
        }
        return quota;
    }
}
