package io.sluice.jepsen.checker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sluice.jepsen.checker.CompactedReplicaChecker.Entry;
import io.sluice.jepsen.checker.CompactedReplicaChecker.Replica;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Replicas of a compacted partition agree on the latest record of each key, whatever superseded
 * records each one's cleaner has removed; they must not disagree on it, nor hold offsets out of order.
 */
@Timeout(value = 10, unit = TimeUnit.SECONDS)
class CompactedReplicaCheckerTest {
    private static Entry e(long offset, long key, Long value) {
        return new Entry(offset, key, value);
    }

    private static CheckResult check(Replica... replicas) {
        return new CompactedReplicaChecker().check(List.of(replicas));
    }

    @Test
    void replicasThatCleanedDifferentlyAgreeOnTheLatestRecords() {
        Replica cleaned = new Replica("t-0", 1, 10, List.of(e(2, 1, 12L), e(4, 3, null), e(7, 2, 17L)));
        // not cleaned yet: superseded values and the tombstone's key 4, whose tombstone node 1 already removed
        Replica dirty = new Replica("t-0", 2, 10, List.of(e(0, 1, 10L), e(1, 2, 11L), e(2, 1, 12L), e(4, 3, null),
                e(5, 4, 15L), e(6, 4, null), e(7, 2, 17L)));
        CheckResult r = check(cleaned, dirty);
        assertTrue(r.valid(), r.anomalies().toString());
    }

    @Test
    void aReplicaBehindIsComparedBelowItsHighWatermarkOnly() {
        Replica ahead = new Replica("t-0", 1, 10, List.of(e(2, 1, 12L), e(8, 2, 18L)));
        Replica behind = new Replica("t-0", 2, 5, List.of(e(1, 2, 11L), e(2, 1, 12L)));
        assertTrue(check(ahead, behind).valid());
    }

    @Test
    void aDifferentLatestValueIsADivergence() {
        Replica a = new Replica("t-0", 1, 10, List.of(e(2, 1, 12L), e(3, 2, 13L)));
        Replica b = new Replica("t-0", 2, 10, List.of(e(0, 1, 10L), e(3, 2, 13L)));
        assertEquals(Map.of("replica-key-divergence", 1), check(a, b).counts());
    }

    @Test
    void aValueWhereTheOtherReplicaDeletedTheKeyIsADivergence() {
        Replica a = new Replica("t-0", 1, 10, List.of(e(3, 2, 13L)));
        Replica b = new Replica("t-0", 2, 10, List.of(e(0, 1, 10L), e(3, 2, 13L)));
        assertEquals(Map.of("replica-key-divergence", 1), check(a, b).counts());
    }

    @Test
    void offsetsOutOfOrderOnAReplicaAreReported() {
        Replica a = new Replica("t-0", 1, 10, List.of(e(3, 2, 13L), e(3, 1, 14L)));
        assertEquals(Map.of("nonmonotonic-offsets", 1), check(a).counts());
    }
}
