package io.sluice.jepsen.checker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sluice.jepsen.history.HistoryBuilder;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 10, unit = TimeUnit.SECONDS)
class LeaderCheckerTest {

    @Test
    void oneLeaderPerEpochIsValidAndNoLeaderIsNotASecondOne() {
        HistoryBuilder h = new HistoryBuilder();
        h.leaders(1, "0", 1, 3);
        h.leaders(2, "0", 1, 3);
        h.leaders(3, "0", -1, 3);
        h.leaders(1, "0", 2, 4);
        CheckResult r = new LeaderChecker().check(h.ops());
        assertTrue(r.valid());
        assertEquals(3L, r.stats().get("leader-observations"));
    }

    @Test
    void twoLeadersInOneEpochAreFlagged() {
        HistoryBuilder h = new HistoryBuilder();
        h.leaders(1, "0", 1, 3);
        h.leaders(2, "0", 2, 3);
        h.leaders(2, "1", 2, 3); // another partition's epoch 3 is its own
        CheckResult r = new LeaderChecker().check(h.ops());
        assertFalse(r.valid());
        assertEquals(1, r.anomalies().size());
        assertEquals("two-leaders-in-epoch", r.anomalies().get(0).type());
        assertEquals("0", r.anomalies().get(0).key());
    }
}
