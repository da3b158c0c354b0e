package io.sluice.jepsen.nemesis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sluice.client.PartitionInfo;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The nemesis's choice of moves: the replication factor kept, a real move every time, the seed replayed. */
@Timeout(value = 10, unit = TimeUnit.SECONDS)
class ReassignPlanTest {
    private static final List<Integer> FIVE = List.of(1, 2, 3, 4, 5);

    private static Map<Integer, PartitionInfo> partitions(int count) {
        return new FakePartitions(count).partitions;
    }

    @Test
    void aMoveKeepsTheReplicationFactorOnDistinctNodesAndChangesTheReplicaSet() {
        Set<Set<Integer>> targets = new HashSet<>();
        Set<Integer> moveCounts = new HashSet<>();
        for (long seed = 0; seed < 300; seed++) {
            for (ReassignPlan.Action action : List.of(ReassignPlan.Action.MOVE, ReassignPlan.Action.CANCEL)) {
                Map<Integer, List<Integer>> moves = ReassignPlan.choose(new Random(seed), action, FIVE, partitions(4));
                moveCounts.add(moves.size());
                moves.forEach((p, target) -> {
                    assertEquals(3, target.size(), target.toString());
                    assertEquals(3, new HashSet<>(target).size(), "distinct: " + target);
                    assertTrue(FIVE.containsAll(target), target.toString());
                    assertFalse(new HashSet<>(target).equals(Set.of(1, 2, 3)), "a reorder moves nothing: " + target);
                    targets.add(new HashSet<>(target));
                });
            }
        }
        assertEquals(Set.of(1, 2, 3, 4), moveCounts, "one partition to all of them move");
        assertEquals(9, targets.size(), "every other 3 of 5 nodes is drawn (C(5,3) - 1)");
    }

    @Test
    void leaderOffMovesOnePartitionAwayFromItsLeader() {
        Map<Integer, PartitionInfo> parts = new TreeMap<>(partitions(4));
        parts.put(2, new PartitionInfo("t", 2, 3, 0, List.of(3, 4, 5), List.of(3, 4, 5), List.of()));
        for (long seed = 0; seed < 100; seed++) {
            Map<Integer, List<Integer>> moves = ReassignPlan.choose(new Random(seed), ReassignPlan.Action.LEADER_OFF, FIVE, parts);
            assertEquals(1, moves.size());
            int p = moves.keySet().iterator().next();
            assertFalse(moves.get(p).contains(parts.get(p).leader()), "leader " + parts.get(p).leader() + " kept: " + moves);
            assertEquals(3, new HashSet<>(moves.get(p)).size());
        }
    }

    @Test
    void leaderOffNeedsALeader() {
        Map<Integer, PartitionInfo> leaderless = Map.of(0, new PartitionInfo("t", 0, -1, 0, List.of(1, 2, 3),
                List.of(), List.of()));
        assertThrows(IllegalStateException.class,
                () -> ReassignPlan.choose(new Random(1), ReassignPlan.Action.LEADER_OFF, FIVE, leaderless));
    }

    @Test
    void theSameSeedAndPartitionsGiveTheSamePlan() {
        assertEquals(ReassignPlan.choose(new Random(42), ReassignPlan.Action.MOVE, FIVE, partitions(8)),
                ReassignPlan.choose(new Random(42), ReassignPlan.Action.MOVE, FIVE, partitions(8)));
    }

    @Test
    void asManyNodesAsReplicasCannotMove() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ReassignPlan.choose(new Random(1), ReassignPlan.Action.MOVE, List.of(1, 2, 3), partitions(1)));
        assertTrue(e.getMessage().contains("needs more than 3 nodes"), e.getMessage());
        assertThrows(IllegalArgumentException.class, // without the leader, 4 nodes leave only 3 to choose from
                () -> ReassignPlan.choose(new Random(1), ReassignPlan.Action.LEADER_OFF, List.of(1, 2, 3, 4), partitions(1)));
    }
}
