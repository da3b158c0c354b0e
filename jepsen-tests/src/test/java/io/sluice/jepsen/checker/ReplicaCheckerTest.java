package io.sluice.jepsen.checker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sluice.jepsen.checker.ReplicaChecker.Batch;
import io.sluice.jepsen.checker.ReplicaChecker.ReplicaLog;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 10, unit = TimeUnit.SECONDS)
class ReplicaCheckerTest {
    private static Batch batch(long base, long last, int fill) {
        return new Batch(base, last, new byte[] {(byte) base, (byte) last, (byte) fill});
    }

    @Test
    void identicalReplicasAgreeAndTailsAboveTheHighWatermarkAreIgnored() {
        ReplicaLog leader = new ReplicaLog("t-0", 1, 10, List.of(batch(0, 4, 1), batch(5, 9, 1), batch(10, 12, 1)));
        ReplicaLog follower = new ReplicaLog("t-0", 2, 10, List.of(batch(0, 4, 1), batch(5, 9, 1), batch(10, 11, 9)));
        ReplicaLog behind = new ReplicaLog("t-0", 3, 5, List.of(batch(0, 4, 1), batch(5, 9, 7)));
        CheckResult r = new ReplicaChecker().check(List.of(leader, follower, behind));
        assertTrue(r.valid(), r.anomalies().toString());
        assertEquals(3L, r.stats().get("replica-batches-compared"));
    }

    @Test
    void differentBytesBelowTheHighWatermarkAreADivergence() {
        ReplicaLog leader = new ReplicaLog("t-0", 1, 10, List.of(batch(0, 4, 1), batch(5, 9, 1)));
        ReplicaLog follower = new ReplicaLog("t-0", 2, 10, List.of(batch(0, 4, 1), batch(5, 9, 2)));
        CheckResult r = new ReplicaChecker().check(List.of(leader, follower));
        assertFalse(r.valid());
        assertEquals(1, r.anomalies().size());
        assertEquals("replica-divergence", r.anomalies().get(0).type());
    }

    @Test
    void aBatchTheReferenceLacksIsADivergence() {
        ReplicaLog leader = new ReplicaLog("t-0", 1, 10, List.of(batch(0, 9, 1)));
        ReplicaLog follower = new ReplicaLog("t-0", 2, 10, List.of(batch(0, 4, 1), batch(5, 9, 1)));
        assertEquals(2, new ReplicaChecker().check(List.of(leader, follower)).anomalies().size());
    }

    @Test
    void aHoleInAReplicaBelowTheHighWatermarkIsADivergence() {
        ReplicaLog leader = new ReplicaLog("t-0", 1, 15, List.of(batch(0, 4, 1), batch(5, 9, 1), batch(10, 14, 1)));
        ReplicaLog holed = new ReplicaLog("t-0", 2, 15, List.of(batch(0, 4, 1), batch(10, 14, 1)));
        CheckResult result = new ReplicaChecker().check(List.of(leader, holed));
        assertEquals(1, result.anomalies().size(), result.anomalies().toString());
        assertTrue(result.anomalies().get(0).detail().contains("node 2 lacks the batch at offsets 5..9"));

        ReplicaLog trimmed = new ReplicaLog("t-0", 3, 15, List.of(batch(10, 14, 1))); // log start moved to 10
        assertTrue(new ReplicaChecker().check(List.of(leader, trimmed)).valid(), "below the log start is not a hole");
        ReplicaLog behind = new ReplicaLog("t-0", 3, 5, List.of(batch(0, 4, 1))); // a replica behind, not holed
        assertTrue(new ReplicaChecker().check(List.of(leader, behind)).valid());
    }

    @Test
    void partitionsAreComparedSeparately() {
        ReplicaLog a = new ReplicaLog("t-0", 1, 5, List.of(batch(0, 4, 1)));
        ReplicaLog b = new ReplicaLog("t-1", 2, 5, List.of(batch(0, 4, 2)));
        assertTrue(new ReplicaChecker().check(List.of(a, b)).valid());
    }
}
