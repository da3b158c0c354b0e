package io.sluice.replication;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sluice.protocol.ErrorCode;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 10, unit = TimeUnit.SECONDS)
class LeaderEpochCheckTest {
    @Test
    void theLeadersOwnEpochOrNoneIsServed() {
        assertEquals(ErrorCode.NONE, LeaderEpochCheck.check(3, 3));
        assertEquals(ErrorCode.NONE, LeaderEpochCheck.check(-1, 3));
        assertEquals(ErrorCode.NONE, LeaderEpochCheck.check(0, 0), "epoch 0 is a real epoch, not 'unsaid'");
    }

    @Test
    void anOlderEpochIsFencedAndANewerOneUnknown() {
        assertEquals(ErrorCode.FENCED_LEADER_EPOCH, LeaderEpochCheck.check(0, 2));
        assertEquals(ErrorCode.UNKNOWN_LEADER_EPOCH, LeaderEpochCheck.check(2, 0),
                "a former leader cut off from the quorum must not serve a client that knows its successor");
        assertTrue(LeaderEpochCheck.describe(2, 0).contains("has not caught up"));
        assertTrue(LeaderEpochCheck.describe(0, 2).contains("refresh metadata"));
    }
}
