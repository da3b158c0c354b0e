package io.sluice.group;

import static io.sluice.group.AssignorTestSupport.assertBalanced;
import static io.sluice.group.AssignorTestSupport.assertComplete;
import static io.sluice.group.AssignorTestSupport.moved;
import static io.sluice.group.AssignorTestSupport.spec;
import static io.sluice.group.AssignorTestSupport.tp;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.sluice.protocol.TopicPartition;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(20)
class RoundRobinAssignorTest {
    private final RoundRobinAssignor assignor = new RoundRobinAssignor();

    @Test
    void newGroupIsDealtRoundRobinAcrossTopics() {
        AssignmentSpec spec = spec(List.of("a", "b"), List.of("x", "y"), Map.of("x", 3, "y", 1), Map.of());
        Map<String, Set<TopicPartition>> result = assignor.assign(spec);
        assertComplete(spec, result);
        assertEquals(Set.of(tp("x", 0), tp("x", 2)), result.get("a"));
        assertEquals(Set.of(tp("x", 1), tp("y", 0)), result.get("b"));
    }

    @Test
    void balancesAcrossTopicsWhereRangeWouldNot() {
        // Range would give "a" both partition 0s: 2 against 0. Round-robin gives 1 and 1.
        AssignmentSpec spec = spec(List.of("a", "b"), List.of("x", "y"), Map.of("x", 1, "y", 1), Map.of());
        assertBalanced(assignor.assign(spec));
        assertEquals(2, new RangeAssignor().assign(spec).get("a").size());
    }

    @Test
    void joinAndLeaveMoveOnlyWhatBalanceRequires() {
        AssignmentSpec two = spec(List.of("a", "b"), List.of("t"), Map.of("t", 6), Map.of());
        Map<String, Set<TopicPartition>> before = assignor.assign(two);
        Map<String, Set<TopicPartition>> after = assignor.assign(spec(List.of("a", "b", "c"), List.of("t"),
                Map.of("t", 6), before));
        assertBalanced(after);
        assertEquals(2, moved(before, after));
        after.remove("a");
        Map<String, Set<TopicPartition>> afterLeave = assignor.assign(spec(List.of("b", "c"), List.of("t"),
                Map.of("t", 6), after));
        assertEquals(0, moved(after, afterLeave));
        assertBalanced(afterLeave);
    }

    @Test
    void aPartitionClaimedTwiceGoesToOneMember() {
        AssignmentSpec spec = spec(List.of("a", "b"), List.of("t"), Map.of("t", 2),
                Map.of("a", Set.of(tp("t", 0)), "b", Set.of(tp("t", 0))));
        Map<String, Set<TopicPartition>> result = assignor.assign(spec);
        assertComplete(spec, result);
        assertBalanced(result);
    }

    /**
     * Random groups, subscriptions and previous assignments: always complete (both assignors), and
     * balanced when homogeneous.
     */
    @Test
    void randomGroupsAreCompleteAndHomogeneousOnesBalanced() {
        Random random = new Random(42);
        for (int round = 0; round < 300; round++) {
            Map<String, Integer> counts = new HashMap<>();
            int topics = 1 + random.nextInt(4);
            for (int t = 0; t < topics; t++) {
                counts.put("t" + t, 1 + random.nextInt(12));
            }
            int memberCount = 1 + random.nextInt(7);
            boolean homogeneous = random.nextBoolean();
            SortedMap<String, AssignmentSpec.Member> members = new TreeMap<>();
            for (int m = 0; m < memberCount; m++) {
                Set<String> subscribed = new TreeSet<>();
                for (String topic : counts.keySet()) {
                    if (homogeneous || random.nextBoolean()) {
                        subscribed.add(topic);
                    }
                }
                List<TopicPartition> previous = new ArrayList<>();
                for (int i = random.nextInt(6); i > 0; i--) {
                    previous.add(tp("t" + random.nextInt(topics + 1), random.nextInt(14)));
                }
                members.put("m" + m, new AssignmentSpec.Member(new TreeSet<>(subscribed), Set.copyOf(previous)));
            }
            AssignmentSpec spec = new AssignmentSpec(members, new TreeMap<>(counts));
            Map<String, Set<TopicPartition>> result = assignor.assign(spec);
            assertComplete(spec, result);
            if (homogeneous) {
                assertBalanced(result);
            }
            assertEquals(result, assignor.assign(spec), "deterministic");
            assertComplete(spec, new RangeAssignor().assign(spec));
        }
    }
}
