package io.sluice.group;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sluice.protocol.TopicPartition;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.TreeSet;

/** Builds assignment specs and checks the invariants every assignor must keep. */
final class AssignorTestSupport {
    private AssignorTestSupport() {
    }

    static TopicPartition tp(String topic, int partition) {
        return new TopicPartition(topic, partition);
    }

    /** Members subscribed to {@code topics}, with the given current targets (missing: none). */
    static AssignmentSpec spec(List<String> memberIds, List<String> topics, Map<String, Integer> counts,
                               Map<String, Set<TopicPartition>> current) {
        SortedMap<String, AssignmentSpec.Member> members = new TreeMap<>();
        for (String id : memberIds) {
            members.put(id, new AssignmentSpec.Member(new TreeSet<>(topics), current.getOrDefault(id, Set.of())));
        }
        return new AssignmentSpec(members, new TreeMap<>(counts));
    }

    /** Every partition of a subscribed topic is owned exactly once, by a subscriber. */
    static void assertComplete(AssignmentSpec spec, Map<String, Set<TopicPartition>> result) {
        assertEquals(spec.members().keySet(), result.keySet());
        Map<TopicPartition, String> owner = new HashMap<>();
        result.forEach((member, partitions) -> partitions.forEach(tp -> {
            assertTrue(spec.members().get(member).subscribes(tp.topic()), member + " got " + tp + " unsubscribed");
            String previous = owner.put(tp, member);
            assertEquals(null, previous, tp + " given to " + previous + " and " + member);
        }));
        int total = spec.subscribedTopics().stream().mapToInt(t -> spec.partitionCounts().get(t)).sum();
        assertEquals(total, owner.size(), "every partition assigned");
    }

    static void assertBalanced(Map<String, Set<TopicPartition>> result) {
        int min = result.values().stream().mapToInt(Set::size).min().orElse(0);
        int max = result.values().stream().mapToInt(Set::size).max().orElse(0);
        assertTrue(max - min <= 1, "unbalanced: " + result);
    }

    /** How many partitions changed owner between two assignments (counting only members in both). */
    static int moved(Map<String, Set<TopicPartition>> before, Map<String, Set<TopicPartition>> after) {
        int moved = 0;
        for (Map.Entry<String, Set<TopicPartition>> e : before.entrySet()) {
            Set<TopicPartition> now = after.get(e.getKey());
            if (now != null) {
                moved += (int) e.getValue().stream().filter(tp -> !now.contains(tp)).count();
            }
        }
        return moved;
    }
}
