package io.sluice.jepsen.checker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sluice.jepsen.history.HistoryBuilder;
import io.sluice.jepsen.history.Op;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 10, unit = TimeUnit.SECONDS)
class CommitCheckerTest {
    private final HistoryBuilder h = new HistoryBuilder();

    private CheckResult check() {
        return new CommitChecker().check(h.ops());
    }

    /** How many anomalies of one type; when there are any, the verdict must say invalid too. */
    private long count(String type) {
        CheckResult r = check();
        long found = r.anomalies().stream().filter(a -> a.type().equals(type)).count();
        if (found > 0) {
            assertFalse(r.valid(), "anomalies found but the verdict is valid");
        }
        return found;
    }

    @Test
    void increasingCommitsAreValid() {
        h.commit(1, "g", "0", 5);
        h.tick();
        h.commit(1, "g", "0", 9);
        h.tick();
        h.committed(2, "g", "0", 9);
        assertTrue(check().valid());
        assertEquals(2L, check().stats().get("ok-commits"));
    }

    @Test
    void aReadOfALowerOffsetAfterACommitCompletedIsARegression() {
        Op commit = h.commit(1, "g", "0", 9);
        h.tick();
        Op read = h.committed(2, "g", "0", 5);
        CheckResult r = check();
        assertFalse(r.valid());
        assertEquals(1, r.anomalies().size());
        assertEquals("committed-offset-regression", r.anomalies().get(0).type());
        assertEquals(java.util.List.of(commit.index(), read.index()), r.anomalies().get(0).ops());
    }

    @Test
    void concurrentCommitsMayCompleteInAnyOrder() {
        Op a = h.invoke("commit", 1, null, Map.of("0", 9L), "g");
        Op b = h.invoke("commit", 2, null, Map.of("0", 5L), "g");
        h.complete(a, Op.Type.OK, Map.of("0", 9L), null);
        h.complete(b, Op.Type.OK, Map.of("0", 5L), null);
        assertTrue(check().valid());
    }

    @Test
    void otherGroupsAreIndependent() {
        h.commit(1, "g", "0", 9);
        h.tick();
        h.commit(2, "h", "0", 1);
        assertTrue(check().valid());
    }

    @Test
    void aNewOwnerStartingBelowTheCommittedOffsetIsFlagged() {
        h.commit(1, "g", "0", 3);
        h.tick();
        h.assign(2, "g", "0");
        h.poll(2, "0", 1, 11, 2, 12, 3, 13);
        assertEquals(1, count("assignment-start"));
    }

    @Test
    void aNewOwnerSkippingPastTheCommittedOffsetIsFlagged() {
        h.assign(9, null, "0");
        h.poll(9, "0", 0, 10, 1, 11, 2, 12, 3, 13, 4, 14);
        h.commit(1, "g", "0", 2);
        h.tick();
        h.assign(2, "g", "0");
        h.poll(2, "0", 4, 14); // offsets 2 and 3 were never given to the new owner
        assertEquals(1, count("assignment-start"));
    }

    @Test
    void aNewOwnerStartingAtTheCommittedOffsetIsValid() {
        h.assign(9, null, "0");
        h.poll(9, "0", 0, 10, 1, 11, 2, 12);
        h.commit(1, "g", "0", 1);
        h.tick();
        h.assign(2, "g", "0");
        h.poll(2, "0", 1, 11, 2, 12);
        assertTrue(check().valid(), check().anomalies().toString());
    }

    @Test
    void aNewOwnerMayStartWhereACommitOfUnknownOutcomePutIt() {
        h.assign(9, null, "0");
        h.poll(9, "0", 0, 10, 1, 11, 2, 12, 3, 13, 4, 14);
        h.commit(1, "g", "0", 2);
        Op timedOut = h.invoke("commit", 1, null, Map.of("0", 4L), "g");
        h.complete(timedOut, Op.Type.INFO, Map.of("0", 4L), null); // it may have been applied
        h.tick();
        h.assign(2, "g", "0");
        h.poll(2, "0", 4, 14);
        assertTrue(check().valid(), check().anomalies().toString());
    }

    @Test
    void aCommitThatNeverCompletedMayHaveBeenApplied() {
        h.assign(9, null, "0");
        h.poll(9, "0", 0, 10, 1, 11, 2, 12, 3, 13, 4, 14);
        h.commit(1, "g", "0", 2);
        h.invoke("commit", 1, null, Map.of("0", 4L), "g");
        h.tick();
        h.assign(2, "g", "0");
        h.poll(2, "0", 4, 14);
        assertTrue(check().valid(), check().anomalies().toString());
    }

    @Test
    void aFailedCommitDidNotHappen() {
        h.assign(9, null, "0");
        h.poll(9, "0", 0, 10, 1, 11, 2, 12, 3, 13, 4, 14);
        h.commit(1, "g", "0", 2);
        Op refused = h.invoke("commit", 1, null, Map.of("0", 4L), "g");
        h.complete(refused, Op.Type.FAIL, Map.of("0", 4L), null);
        h.tick();
        h.assign(2, "g", "0");
        h.poll(2, "0", 4, 14);
        assertEquals(1, count("assignment-start"));
    }

    @Test
    void aStartBelowACommitStillInFlightIsNoSkip() {
        h.assign(9, null, "0");
        h.poll(9, "0", 0, 10, 1, 11, 2, 12, 3, 13, 4, 14);
        h.commit(1, "g", "0", 2);
        h.tick();
        Op late = h.invoke("commit", 1, null, Map.of("0", 4L), "g");
        h.assign(2, "g", "0");
        h.complete(late, Op.Type.OK, Map.of("0", 4L), null);
        h.poll(2, "0", 3, 13); // between the commit surely made and one that may have come first
        assertEquals(0, count("assignment-start"));
    }
}
