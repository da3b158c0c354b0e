package io.sluice.jepsen.checker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sluice.jepsen.history.HistoryBuilder;
import io.sluice.jepsen.history.Op;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 10, unit = TimeUnit.SECONDS)
class QueueCheckerTest {
    private final HistoryBuilder h = new HistoryBuilder();

    private CheckResult check() {
        return new QueueChecker().check(h.ops());
    }

    /** The anomalies of one type; when there are any, the verdict must say invalid too. */
    private static List<Anomaly> of(CheckResult r, String type) {
        List<Anomaly> found = r.anomalies().stream().filter(a -> a.type().equals(type)).toList();
        if (!found.isEmpty()) {
            assertFalse(r.valid(), "anomalies found but the verdict is valid");
        }
        return found;
    }

    @Test
    void aCleanHistoryIsValid() {
        h.send(0, "0", 1, 0);
        h.send(0, "0", 2, 1);
        h.send(1, "1", 3, 0);
        h.sendInfo(1, "1", 4); // unknown outcome, never read: allowed
        h.assign(5, null, "0", "1");
        h.poll(5, "0", 0, 1, 1, 2);
        h.poll(5, "1", 0, 3);
        CheckResult r = check();
        assertTrue(r.valid(), r.anomalies().toString());
        assertEquals(3L, r.stats().get("acknowledged-sends"));
    }

    @Test
    void anAcknowledgedValueBelowTheHighestReadIsALostWrite() {
        Op lost = h.send(0, "0", 1, 0);
        h.send(0, "0", 2, 1);
        h.assign(5, null, "0");
        h.poll(5, "0", 1, 2);
        List<Anomaly> found = of(check(), "lost-write");
        assertEquals(1, found.size());
        assertTrue(found.get(0).ops().contains(lost.index()));
        assertTrue(of(check(), "unseen").isEmpty());
    }

    @Test
    void anAcknowledgedValueAboveTheHighestReadIsUnseen() {
        h.send(0, "0", 1, 0);
        h.send(0, "0", 2, 1);
        h.assign(5, null, "0");
        h.poll(5, "0", 0, 1);
        CheckResult r = check();
        assertEquals(1, of(r, "unseen").size());
        assertTrue(of(r, "lost-write").isEmpty());
    }

    @Test
    void oneValueAtTwoOffsetsIsADuplicate() {
        h.send(0, "0", 7, 0);
        h.assign(5, null, "0");
        h.poll(5, "0", 0, 7, 1, 7);
        assertEquals(1, of(check(), "duplicate").size());
    }

    @Test
    void twoValuesAtOneOffsetAreInconsistentOffsets() {
        h.send(0, "0", 1, 0);
        h.send(1, "0", 2, 0); // the broker acknowledged two sends at one offset
        h.assign(5, null, "0");
        h.poll(5, "0", 0, 1);
        assertEquals(1, of(check(), "inconsistent-offsets").size());
    }

    @Test
    void readsThatDisagreeAreInconsistentOffsets() {
        h.assign(5, null, "0");
        h.poll(5, "0", 0, 1);
        h.assign(6, null, "0");
        h.poll(6, "0", 0, 2);
        assertEquals(1, of(check(), "inconsistent-offsets").size());
    }

    @Test
    void jumpingOverAKnownOffsetIsAPollSkip() {
        h.send(0, "0", 1, 0);
        h.send(0, "0", 2, 1);
        h.send(0, "0", 3, 2);
        h.assign(5, null, "0");
        h.poll(5, "0", 0, 1);
        h.poll(5, "0", 2, 3); // offset 1 skipped
        h.assign(6, null, "0");
        h.poll(6, "0", 0, 1, 1, 2, 2, 3);
        List<Anomaly> found = of(check(), "poll-skip");
        assertEquals(1, found.size());
        assertEquals("0", found.get(0).key());
    }

    @Test
    void goingBackIsANonmonotonicPollButNotAfterThePartitionLeftAndCameBack() {
        h.send(0, "0", 1, 0);
        h.send(0, "0", 2, 1);
        h.assign(5, null, "0");
        h.poll(5, "0", 0, 1, 1, 2);
        h.poll(5, "0", 1, 2); // read offset 1 again in the same assignment
        assertEquals(1, of(check(), "nonmonotonic-poll").size());
        h.assign(5, null, "1");
        h.assign(5, null, "0");
        h.poll(5, "0", 0, 1, 1, 2); // partition 0 was given up: newly assigned, it may start over
        assertEquals(1, of(check(), "nonmonotonic-poll").size());
    }

    @Test
    void aPartitionKeptAcrossTheReadersOwnAssignsKeepsItsPosition() {
        h.send(0, "0", 1, 0);
        h.send(0, "0", 2, 1);
        h.send(0, "0", 3, 2);
        h.assign(5, null, "0");
        h.poll(5, "0", 0, 1);
        h.assign(5, null, "0", "1"); // keeps 0
        h.poll(5, "0", 2, 3); // offset 1 skipped across the assign
        assertEquals(1, of(check(), "poll-skip").size(), "continuity holds across an assign that keeps the partition");
        h.assign(5, null, "0");
        h.poll(5, "0", 0, 1); // back to the start, though 0 was never given up
        assertEquals(1, of(check(), "nonmonotonic-poll").size());
    }

    @Test
    void aGroupsAssignmentStartsEveryPartitionAfresh() {
        h.send(0, "0", 1, 0);
        h.send(0, "0", 2, 1);
        h.assign(5, "g", "0");
        h.poll(5, "0", 0, 1, 1, 2);
        h.assign(5, "g", "0"); // a rebalance may send the member back to the committed offset
        h.poll(5, "0", 0, 1);
        assertTrue(of(check(), "nonmonotonic-poll").isEmpty());
    }

    @Test
    void aLaterSendGettingAnEarlierOffsetIsANonmonotonicSend() {
        Op first = h.invoke("send", 0, "0", 1L, null);
        Op second = h.invoke("send", 0, "0", 2L, null);
        h.complete(second, Op.Type.OK, 2L, 0L);
        h.complete(first, Op.Type.OK, 1L, 1L);
        h.send(1, "0", 3, 2); // another process: no order between them
        h.assign(5, null, "0");
        h.poll(5, "0", 0, 2, 1, 1, 2, 3);
        CheckResult r = check();
        assertEquals(1, of(r, "nonmonotonic-send").size(), r.anomalies().toString());
        assertEquals(1, r.anomalies().size());
    }

    @Test
    void aValueNeverSentOrWhoseSendFailedIsAPhantomRead() {
        h.send(0, "0", 1, 0);
        h.complete(h.invoke("send", 0, "0", 2L, null), Op.Type.FAIL, 2L, null);
        h.send(0, "1", 3, 0);
        h.assign(5, null, "0");
        h.poll(5, "0", 0, 1, 1, 2, 2, 3); // 2 failed; 3 was sent to key 1, not 0
        List<Anomaly> found = of(check(), "phantom-read");
        assertEquals(2, found.size(), found.toString());
    }

    @Test
    void pollsOfSeveralKeysAreCheckedPerKey() {
        h.send(0, "0", 1, 0);
        h.send(0, "1", 2, 0);
        h.assign(5, null, "0", "1");
        Op invoke = h.invoke("poll", 5, null, null, null);
        h.complete(invoke, Op.Type.OK, Map.of("0", List.of(List.of(0L, 1L)), "1", List.of(List.of(0L, 2L))), null);
        assertTrue(check().valid());
    }

    @Test
    void anAcknowledgedValueReadDuringTheRunButNotByTheFinalReadsIsLostAfterRead() {
        Op send = h.send(0, "0", 1, 0);
        h.send(0, "0", 2, 1);
        h.assign(5, null, "0");
        h.poll(5, "0", 0, 1, 1, 2);
        h.complete(h.invoke("heal", -1, null, null, null), Op.Type.OK, null, null);
        h.assign(6, null, "0");
        h.poll(6, "0", 1, 2); // the final read starts at the beginning and no longer finds value 1

        List<Anomaly> found = of(check(), "lost-after-read");
        assertEquals(1, found.size(), found.toString());
        assertTrue(found.get(0).ops().contains(send.index()));

        h.poll(6, "0", 0, 1); // found after all
        assertTrue(of(check(), "lost-after-read").isEmpty());
    }

    @Test
    void aValueOfUnknownOutcomeReadDuringTheRunMustSurviveToo() {
        h.send(0, "0", 1, 0);
        h.sendInfo(0, "0", 2); // the writer never learned it was written at offset 1
        h.assign(5, null, "0");
        h.poll(5, "0", 0, 1, 1, 2); // a reader saw it: it was below the high watermark, committed
        h.complete(h.invoke("heal", -1, null, null, null), Op.Type.OK, null, null);
        h.assign(6, null, "0");
        h.poll(6, "0", 0, 1);

        List<Anomaly> found = of(check(), "lost-after-read");
        assertEquals(1, found.size(), found.toString());
        assertTrue(found.get(0).detail().contains("value 2"), found.get(0).detail());

        h.poll(6, "0", 1, 2);
        assertTrue(check().valid(), check().anomalies().toString());
    }
}
