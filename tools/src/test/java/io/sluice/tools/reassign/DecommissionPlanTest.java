package io.sluice.tools.reassign;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sluice.protocol.TopicPartition;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The decommission rule: every replica of the leaving broker replaced, factor kept, load balanced. */
@Timeout(value = 10, unit = TimeUnit.SECONDS)
class DecommissionPlanTest {
    private static final List<Integer> FIVE = List.of(1, 2, 3, 4, 5);

    /** {@code partitions} partitions of topic t, RF 3, placed as Kafka places them over {@code brokers}. */
    private static Map<TopicPartition, List<Integer>> topic(String name, int partitions, List<Integer> brokers) {
        Map<TopicPartition, List<Integer>> assignment = new LinkedHashMap<>();
        List<List<Integer>> placed = RackUnawareAssignment.assign(brokers, partitions, 3);
        for (int p = 0; p < partitions; p++) {
            assignment.put(new TopicPartition(name, p), placed.get(p));
        }
        return assignment;
    }

    @Test
    void everyReplicaOfTheBrokerMovesToABrokerNotAlreadyAReplicaKeepingTheFactor() {
        Map<TopicPartition, List<Integer>> assignment = topic("t", 10, FIVE);
        Map<TopicPartition, List<Integer>> plan = DecommissionPlan.plan(3, assignment, FIVE, Set.of());

        long holding = assignment.values().stream().filter(r -> r.contains(3)).count();
        assertEquals(holding, plan.size(), "every partition on broker 3 and only those");
        plan.forEach((tp, target) -> {
            List<Integer> before = assignment.get(tp);
            assertFalse(target.contains(3), tp + " " + target);
            assertEquals(3, new HashSet<>(target).size(), tp + " " + target);
            assertEquals(before.indexOf(3), target.indexOf(target.stream().filter(b -> !before.contains(b)).findFirst()
                    .orElseThrow()), "the newcomer takes the leaving broker's place: " + before + " -> " + target);
        });
    }

    @Test
    void theMovedReplicasSpreadEvenlyOverTheOtherBrokers() {
        Map<TopicPartition, List<Integer>> assignment = new LinkedHashMap<>(topic("a", 12, FIVE));
        assignment.putAll(topic("b", 8, FIVE));
        Map<TopicPartition, List<Integer>> after = new HashMap<>(assignment);
        after.putAll(DecommissionPlan.plan(5, assignment, FIVE, Set.of()));

        Map<Integer, Integer> load = new HashMap<>();
        after.values().forEach(r -> r.forEach(b -> load.merge(b, 1, Integer::sum)));
        assertFalse(load.containsKey(5));
        int min = load.values().stream().min(Integer::compare).orElseThrow();
        int max = load.values().stream().max(Integer::compare).orElseThrow();
        assertTrue(max - min <= 1, "60 replicas over 4 brokers: " + load);
    }

    @Test
    void tooFewOtherBrokersIsRefusedNamingThePartitionAndTheBrokers() {
        Map<TopicPartition, List<Integer>> assignment = topic("t", 3, List.of(1, 2, 3));
        DecommissionPlan.NotEnoughBrokersException e = assertThrows(DecommissionPlan.NotEnoughBrokersException.class,
                () -> DecommissionPlan.plan(2, assignment, List.of(1, 2, 3), Set.of()));
        assertTrue(e.getMessage().contains("t-0 has 3 replicas, and only 2 other live brokers [1, 3]"), e.getMessage());
        assertEquals(1, DecommissionPlan.plan(2, Map.of(new TopicPartition("t", 0), List.of(2, 1, 3)),
                List.of(1, 2, 3, 4), Set.of()).size(), "a fourth live broker is enough");
    }

    @Test
    void partitionsToSkipAndPartitionsElsewhereAreLeftAlone() {
        TopicPartition moving = new TopicPartition("t", 0);
        Map<TopicPartition, List<Integer>> assignment = Map.of(moving, List.of(1, 2, 3),
                new TopicPartition("t", 1), List.of(2, 3, 4), new TopicPartition("t", 2), List.of(4, 1, 2));
        Map<TopicPartition, List<Integer>> plan = DecommissionPlan.plan(1, assignment, FIVE, Set.of(moving));
        assertEquals(Map.of(new TopicPartition("t", 2), List.of(4, 5, 2)), plan);
        assertTrue(DecommissionPlan.plan(9, assignment, FIVE, Set.of()).isEmpty(), "a broker without replicas");
    }
}
