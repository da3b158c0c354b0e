package io.sluice.metadata.image;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
        return new ClusterImage(map);
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
}
