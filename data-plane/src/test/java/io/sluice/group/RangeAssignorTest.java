package io.sluice.group;

import static io.sluice.group.AssignorTestSupport.assertComplete;
import static io.sluice.group.AssignorTestSupport.assertBalanced;
import static io.sluice.group.AssignorTestSupport.moved;
import static io.sluice.group.AssignorTestSupport.spec;
import static io.sluice.group.AssignorTestSupport.tp;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.sluice.protocol.TopicPartition;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(10)
class RangeAssignorTest {
    private final RangeAssignor assignor = new RangeAssignor();

    @Test
    void newGroupGetsContiguousRanges() {
        AssignmentSpec spec = spec(List.of("a", "b"), List.of("t"), Map.of("t", 6), Map.of());
        Map<String, Set<TopicPartition>> result = assignor.assign(spec);
        assertComplete(spec, result);
        assertEquals(Set.of(tp("t", 0), tp("t", 1), tp("t", 2)), result.get("a"));
        assertEquals(Set.of(tp("t", 3), tp("t", 4), tp("t", 5)), result.get("b"));
    }

    @Test
    void unevenSplitGivesTheExtraPartitionsToTheFirstMembers() {
        AssignmentSpec spec = spec(List.of("a", "b", "c"), List.of("t"), Map.of("t", 7), Map.of());
        Map<String, Set<TopicPartition>> result = assignor.assign(spec);
        assertEquals(3, result.get("a").size());
        assertEquals(2, result.get("b").size());
        assertEquals(2, result.get("c").size());
        assertComplete(spec, result);
    }

    @Test
    void identicalSubscriptionsAreCoPartitioned() {
        AssignmentSpec spec = spec(List.of("a", "b", "c"), List.of("x", "y"), Map.of("x", 5, "y", 5), Map.of());
        Map<String, Set<TopicPartition>> result = assignor.assign(spec);
        assertComplete(spec, result);
        for (Set<TopicPartition> owned : result.values()) {
            Set<Integer> x = new TreeSet<>();
            Set<Integer> y = new TreeSet<>();
            owned.forEach(tp -> (tp.topic().equals("x") ? x : y).add(tp.partition()));
            assertEquals(x, y);
        }
    }

    @Test
    void aJoiningMemberTakesOnlyWhatBalanceRequires() {
        AssignmentSpec two = spec(List.of("a", "b"), List.of("t"), Map.of("t", 6), Map.of());
        Map<String, Set<TopicPartition>> before = assignor.assign(two);
        AssignmentSpec three = spec(List.of("a", "b", "c"), List.of("t"), Map.of("t", 6), before);
        Map<String, Set<TopicPartition>> after = assignor.assign(three);
        assertComplete(three, after);
        assertBalanced(after);
        assertEquals(2, moved(before, after), "a and b each give up one partition, nothing else moves");
    }

    @Test
    void aLeavingMembersPartitionsGoToTheOthersWhoKeepTheirs() {
        AssignmentSpec three = spec(List.of("a", "b", "c"), List.of("t"), Map.of("t", 6), Map.of());
        Map<String, Set<TopicPartition>> before = assignor.assign(three);
        before.remove("b");
        AssignmentSpec two = spec(List.of("a", "c"), List.of("t"), Map.of("t", 6), before);
        Map<String, Set<TopicPartition>> after = assignor.assign(two);
        assertComplete(two, after);
        assertEquals(0, moved(before, after));
        assertBalanced(after);
    }

    @Test
    void eachTopicIsSplitAmongItsOwnSubscribers() {
        SortedMap<String, AssignmentSpec.Member> members = new TreeMap<>();
        members.put("a", new AssignmentSpec.Member(new TreeSet<>(Set.of("x", "y")), Set.of()));
        members.put("b", new AssignmentSpec.Member(new TreeSet<>(Set.of("y")), Set.of()));
        AssignmentSpec spec = new AssignmentSpec(members, new TreeMap<>(Map.of("x", 2, "y", 2, "z", 4)));
        Map<String, Set<TopicPartition>> result = assignor.assign(spec);
        assertComplete(spec, result);
        assertEquals(Set.of(tp("x", 0), tp("x", 1), tp("y", 0)), result.get("a"));
        assertEquals(Set.of(tp("y", 1)), result.get("b"));
    }

    @Test
    void partitionsOfDeletedTopicsOrBeyondTheCountAreDropped() {
        AssignmentSpec spec = spec(List.of("a"), List.of("t"), Map.of("t", 2),
                Map.of("a", Set.of(tp("t", 5), tp("gone", 0), tp("t", 1))));
        assertEquals(Set.of(tp("t", 0), tp("t", 1)), assignor.assign(spec).get("a"));
    }
}
