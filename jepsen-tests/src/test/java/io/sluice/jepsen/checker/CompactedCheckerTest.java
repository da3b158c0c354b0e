package io.sluice.jepsen.checker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sluice.jepsen.history.HistoryBuilder;
import io.sluice.jepsen.history.Op;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The compacted workload's checker on hand-made histories: what compaction may do (drop superseded
 * records and expired tombstones, leave gaps) passes; each anomaly is reported on a history that has
 * it; a run in which no crash met a working cleaner proves nothing (verdict unknown).
 */
@Timeout(value = 10, unit = TimeUnit.SECONDS)
class CompactedCheckerTest {
    private final HistoryBuilder h = new HistoryBuilder();

    private Op write(long key, long id, long offset) {
        return h.complete(h.invoke("write", 1, "0", List.of(key, id), null), Op.Type.OK, List.of(key, id), offset);
    }

    private Op delete(long key, long id, Long offset) {
        Op.Type type = offset == null ? Op.Type.INFO : Op.Type.OK;
        return h.complete(h.invoke("delete", 1, "0", List.of(key, id), null), type, List.of(key, id), offset);
    }

    private Op writeWith(Op.Type type, long key, long id) {
        return h.complete(h.invoke("write", 2, "0", List.of(key, id), null), type, List.of(key, id), null);
    }

    /** A final read of partition 0; records as {offset, key, id} triples, id null for a tombstone. */
    private void finalRead(Long... triples) {
        List<Object> records = new ArrayList<>();
        for (int i = 0; i < triples.length; i += 3) {
            records.add(Arrays.asList(triples[i], triples[i + 1], triples[i + 2]));
        }
        h.complete(h.invoke("final-read", 9, "0", null, null), Op.Type.OK, records, 100L);
    }

    /** Cleaning seen at work on node 2 just before node 2 lost power. */
    private void coverage() {
        cleaner(2, 3, 10);
        cleaner(2, 4, 25);
        h.complete(h.invoke("fault-start", -1, null, "power-loss", null), Op.Type.OK,
                "power-loss one [2] (torn) [2: dropped]", null);
    }

    private void cleaner(int node, long passes, long removed) {
        h.complete(h.invoke("cleaner", -200 - node, Integer.toString(node), null, null), Op.Type.OK,
                Map.of("0", List.of(40L, passes, removed)), null);
    }

    private CheckResult check() {
        return new CompactedChecker().check(h.ops());
    }

    @Test
    void compactionMayDropSupersededRecordsAndExpiredTombstones() {
        coverage();
        write(1, 10, 0);
        write(2, 11, 1);
        write(1, 12, 2);
        delete(2, 13, 3L);
        write(3, 14, 4);
        delete(3, 15, null); // unknown outcome: key 3 may be gone
        write(4, 16, 5);
        delete(4, 17, 6L);
        // key 1: only its latest; key 2: the tombstone still there; key 3: deleted by the unknown tombstone;
        // key 4: its tombstone removed after its horizon
        finalRead(2L, 1L, 12L, 3L, 2L, null);
        CheckResult r = check();
        assertTrue(r.valid(), r.anomalies().toString());
        assertEquals(5L, r.stats().get("acked-writes-compacted-away"));
    }

    @Test
    void aLaterWriteOfUnknownOutcomeMayBeTheValueRead() {
        coverage();
        write(1, 10, 0);
        writeWith(Op.Type.INFO, 1, 11);
        finalRead(0L, 1L, 10L, 5L, 1L, 11L);
        assertTrue(check().valid(), check().anomalies().toString());
    }

    @Test
    void anOlderValueInPlaceOfTheLastAcknowledgedWriteIsStale() {
        coverage();
        write(1, 10, 0);
        write(1, 11, 1);
        finalRead(0L, 1L, 10L);
        assertEquals(Map.of("stale-value", 1), check().counts());
    }

    @Test
    void aValueResurrectedAfterItsAcknowledgedTombstoneIsStale() {
        coverage();
        write(1, 10, 0);
        delete(1, 11, 1L);
        finalRead(0L, 1L, 10L);
        assertEquals(Map.of("stale-value", 1), check().counts());
    }

    @Test
    void aKeyWhoseLastAcknowledgedValueIsMissingIsALostWrite() {
        coverage();
        write(1, 10, 0);
        write(2, 11, 1);
        finalRead(1L, 2L, 11L);
        assertEquals(Map.of("lost-write", 1), check().counts());
    }

    @Test
    void offsetsMustStrictlyIncrease() {
        coverage();
        write(1, 10, 3);
        write(2, 11, 4);
        finalRead(4L, 2L, 11L, 3L, 1L, 10L);
        assertEquals(Map.of("nonmonotonic-offsets", 1), check().counts());
    }

    @Test
    void aFailedWriteOrAnUnknownIdReadIsAPhantom() {
        coverage();
        writeWith(Op.Type.FAIL, 1, 10);
        delete(2, 11, 1L);
        finalRead(0L, 1L, 10L, 1L, 2L, null, 2L, 3L, 99L, 3L, 4L, null);
        assertEquals(Map.of("phantom-read", 3), check().counts(), check().anomalies().toString());
    }

    @Test
    void anotherRecordAtAnAcknowledgedOffsetIsInconsistent() {
        coverage();
        write(1, 10, 0);
        writeWith(Op.Type.INFO, 1, 11);
        write(1, 12, 5);
        finalRead(0L, 1L, 11L, 5L, 1L, 12L);
        assertEquals(Map.of("inconsistent-offsets", 1), check().counts());
    }

    @Test
    void aPartitionWithoutACompleteFinalReadIsReported() {
        coverage();
        write(1, 10, 0);
        h.complete(h.invoke("final-read", 9, "0", null, null), Op.Type.INFO, List.of(), null);
        assertEquals(Map.of("final-read-incomplete", 1), check().counts());
    }

    @Test
    void aRunWithoutACrashDuringCleaningProvesNothing() {
        cleaner(2, 3, 10);
        cleaner(2, 3, 10); // the cleaner did nothing in the seconds before the crash
        h.complete(h.invoke("fault-start", -1, null, "kill", null), Op.Type.OK, "kill one [2]", null);
        cleaner(1, 5, 50); // node 1 cleaned, but nobody crashed it
        cleaner(1, 9, 90);
        write(1, 10, 0);
        finalRead(0L, 1L, 10L);
        CheckResult r = check();
        assertEquals(CheckResult.Verdict.UNKNOWN, r.verdict(), r.toString());
        assertTrue(r.unknownReasons().get(0).contains("none while the node's cleaner was seen at work"));
        assertEquals(1L, r.stats().get("node-crashes"));
        assertEquals(0L, r.stats().get("node-crashes-while-cleaning"));
    }

    @Test
    void aRestartThatFoundAnInterruptedCleaningIsEvidenceEnough() {
        h.complete(h.invoke("recovered-cleanings", -300, null, null, null), Op.Type.OK, Map.of("1", 0L, "3", 2L), null);
        write(1, 10, 0);
        finalRead(0L, 1L, 10L);
        CheckResult r = check();
        assertTrue(r.valid(), r.anomalies().toString());
        assertEquals(2L, r.stats().get("interrupted-cleanings-recovered"));
    }
}
