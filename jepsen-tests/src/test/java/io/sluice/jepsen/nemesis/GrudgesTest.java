package io.sluice.jepsen.nemesis;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 10, unit = TimeUnit.SECONDS)
class GrudgesTest {
    private static final List<Integer> FIVE = List.of(1, 2, 3, 4, 5);

    @Test
    void isolatingASideCutsItFromEveryOtherNodeBothWays() {
        assertEquals(Map.of(1, Set.of(3, 4, 5), 2, Set.of(3, 4, 5), 3, Set.of(1, 2), 4, Set.of(1, 2), 5, Set.of(1, 2)),
                Grudges.isolate(List.of(1, 2), FIVE));
    }

    @Test
    void aBridgeKeepsTheMiddleNodeLinkedToBothHalves() {
        assertEquals(Map.of(4, Set.of(2, 5), 1, Set.of(2, 5), 2, Set.of(4, 1), 5, Set.of(4, 1)),
                Grudges.bridge(List.of(4, 1, 3, 2, 5)));
        assertEquals(Map.of(1, Set.of(3), 3, Set.of(1)), Grudges.bridge(List.of(1, 2, 3)));
    }

    @Test
    void aPartitionLeaderIsCutFromItsFollowersButNotFromTheMetadataLeader() {
        assertEquals(Map.of(1, Set.of(3), 3, Set.of(1)), Grudges.leaderFromFollowers(1, List.of(1, 2, 3), 2));
        assertEquals(Map.of(1, Set.of(2, 3), 2, Set.of(1), 3, Set.of(1)), Grudges.leaderFromFollowers(1, List.of(1, 2, 3), 1));
    }

    @Test
    void aOneWayCutDropsOnlyWhatTheSenderSends() {
        assertEquals(Map.of(1, Set.of(3)), Grudges.oneWay(3, 1));
        assertEquals(Map.of(2, Set.of(3), 3, Set.of(2)), Grudges.link(2, 3));
    }
}
