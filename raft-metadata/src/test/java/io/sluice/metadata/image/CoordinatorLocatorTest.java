package io.sluice.metadata.image;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sluice.protocol.metadata.BrokerFencingRecord;
import io.sluice.protocol.metadata.MetadataRecord;
import java.util.HashMap;
import java.util.Map;
import java.util.OptionalInt;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(10)
class CoordinatorLocatorTest {

    private static ClusterImage cluster(int brokers, int... fenced) {
        TreeMap<Integer, BrokerRegistration> map = new TreeMap<>();
        for (int id = 1; id <= brokers; id++) {
            boolean isFenced = false;
            for (int f : fenced) {
                isFenced |= f == id;
            }
            map.put(id, new BrokerRegistration(id, 1, "127.0.0.1", 9000 + id, "", 1, isFenced, false));
        }
        return new ClusterImage(map, new TreeMap<>());
    }

    /** Applies one fencing change of broker {@code id} (epoch 1) at {@code index}. */
    private static MetadataImage fence(MetadataImage image, int id, boolean fenced, long index) {
        MetadataDelta delta = new MetadataDelta(image);
        delta.replay(MetadataRecord.newBuilder().setBrokerFencing(BrokerFencingRecord.newBuilder().setBrokerId(id)
                .setBrokerEpoch(1).setFenced(fenced)).build());
        return delta.apply(index, 1);
    }

    @Test
    void spreadsGroupsAndOnlyMovesThoseOfABrokerThatLeaves() {
        ClusterImage all = cluster(3);
        ClusterImage withoutTwo = cluster(3, 2);
        Map<Integer, Integer> load = new HashMap<>();
        for (int i = 0; i < 3000; i++) {
            String group = "group-" + i;
            int before = CoordinatorLocator.coordinatorFor(group, all).getAsInt();
            int after = CoordinatorLocator.coordinatorFor(group, withoutTwo).getAsInt();
            load.merge(before, 1, Integer::sum);
            assertNotEquals(2, after);
            if (before != 2) {
                assertEquals(before, after, group + " moved although its coordinator stayed");
            }
        }
        load.values().forEach(n -> assertTrue(n > 800 && n < 1200, "skewed: " + load));
    }

    @Test
    void noLiveBrokerNoCoordinator() {
        assertEquals(OptionalInt.empty(), CoordinatorLocator.coordinatorFor("g", cluster(2, 1, 2)));
    }

    @Test
    void aGroupThatMovedAwayAndBackWasNotCoordinatedWithoutABreak() {
        MetadataDelta start = new MetadataDelta(MetadataImage.EMPTY);
        cluster(3).brokers().values().forEach(b -> start.replay(b.toRecord()));
        MetadataImage image = start.apply(5, 1);
        String group = "g";
        int first = CoordinatorLocator.coordinatorFor(group, image.cluster()).getAsInt();
        MetadataImage firstAway = fence(image, first, true, 10);
        int second = CoordinatorLocator.coordinatorFor(group, firstAway.cluster()).getAsInt();
        assertEquals(10, firstAway.cluster().eligibilityChangedAt(first));
        assertTrue(CoordinatorLocator.coordinatedSince(group, second, 10, firstAway.cluster()));
        assertFalse(CoordinatorLocator.coordinatedSince(group, second, 9, firstAway.cluster()),
                "before index 10 the group was the first broker's");

        MetadataImage firstBack = fence(firstAway, first, false, 20);
        MetadataImage firstAwayAgain = fence(firstBack, first, true, 30);
        assertEquals(second, CoordinatorLocator.coordinatorFor(group, firstAwayAgain.cluster()).getAsInt());
        assertFalse(CoordinatorLocator.coordinatedSince(group, second, 10, firstAwayAgain.cluster()),
                "the group was the first broker's from 20 to 30");
        assertTrue(CoordinatorLocator.coordinatedSince(group, second, 30, firstAwayAgain.cluster()));

        int third = 6 - first - second;
        MetadataImage thirdAway = fence(firstAwayAgain, third, true, 40);
        assertTrue(CoordinatorLocator.coordinatedSince(group, second, 30, thirdAway.cluster()),
                "a broker that ranks below the coordinator does not matter");
        MetadataImage restored = MetadataImage.fromRecords(thirdAway.toRecords(), thirdAway.index(), thirdAway.term());
        assertEquals(thirdAway, restored, "a snapshot keeps when each broker's eligibility changed");
    }
}
