package io.sluice.jepsen.checker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sluice.jepsen.history.HistoryBuilder;
import io.sluice.jepsen.history.Op;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** One generation of a group never gives a partition to two members; different generations may overlap. */
@Timeout(value = 10, unit = TimeUnit.SECONDS)
class OwnershipCheckerTest {
    private final HistoryBuilder h = new HistoryBuilder();

    private Op owns(int process, String group, long generation, String member, String... partitions) {
        Map<String, Object> value = Map.of("generation", generation, "member", member, "partitions", List.of(partitions));
        return h.complete(h.invoke("owns", process, null, value, group), Op.Type.OK, value, (Long) null);
    }

    @Test
    void aPartitionGivenToTwoMembersInOneGenerationIsSharedOwnership() {
        owns(1, "g", 3, "m1", "0", "1");
        owns(2, "g", 3, "m2", "2", "3");
        owns(1, "g", 4, "m1", "0");
        owns(2, "g", 4, "m2", "1", "2", "3"); // partition 1 moved in the next generation
        assertTrue(new OwnershipChecker().check(h.ops()).valid(), "disjoint in each generation");
        owns(3, "g", 3, "m3", "0"); // generation 3 gave partition 0 to m1 already
        CheckResult result = new OwnershipChecker().check(h.ops());
        assertEquals(1, result.anomalies().size(), result.anomalies().toString());
        assertEquals("shared-ownership", result.anomalies().get(0).type());
        assertEquals("0", result.anomalies().get(0).key());
        assertEquals(2L, result.stats().get("group-generations-seen"));
    }

    @Test
    void aMemberBehindByAGenerationOrInAnotherGroupIsNoClash() {
        owns(1, "g", 3, "m1", "0", "1");
        owns(2, "g", 4, "m2", "0", "1"); // m1 has not heard of generation 4 yet
        owns(3, "other", 3, "m3", "0", "1");
        owns(1, "g", 3, "m1", "0", "1"); // the same member recording its generation again
        assertTrue(new OwnershipChecker().check(h.ops()).valid());
    }
}
