package io.sluice.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sluice.protocol.TopicPartition;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import io.sluice.protocol.Time;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Crashes and power loss under one log, on a {@link SimulatedDisk}: what the log reported durable
 * survives a power cut, what it did not may go, a torn last page is cut back to a whole batch, and
 * a process crash writes no checkpoint. Single-threaded (the caller flushes), so every cut falls at
 * a chosen point.
 */
@Timeout(30)
class PowerLossTest {
    private static final TopicPartition TP = new TopicPartition("p", 0);
    private static final LogConfig ALWAYS = LogConfig.fromMap(Map.of(LogConfig.SEGMENT_BYTES, "20000"));
    private static final LogConfig INTERVAL = LogConfig.fromMap(Map.of(LogConfig.SEGMENT_BYTES, "20000",
            LogConfig.FLUSH_POLICY, "interval"));

    @TempDir
    Path tmp;
    private final SimulatedDisk disk = new SimulatedDisk();

    private PartitionLog open(LogConfig config, long recoveryPoint) throws IOException {
        return PartitionLog.open(tmp.resolve(TP.dirName()), TP, config, Time.SYSTEM, recoveryPoint, null, null,
                disk);
    }

    private static List<String> append(PartitionLog log, String prefix, int batches, int recordBytes)
            throws IOException {
        List<String> written = new ArrayList<>();
        for (int i = 0; i < batches; i++) {
            String value = prefix + i + "-" + "x".repeat(recordBytes);
            LogAppendResult r = log.appendAsLeader(Batches.values(i, value), 0);
            assertTrue(r.succeeded(), r.errorMessage());
            written.add(r.firstOffset() + ":" + value);
        }
        return written;
    }

    private void powerCut(PartitionLog log, SimulatedDisk.Loss loss, long seed) throws IOException {
        disk.powerOff();
        log.abandon();
        disk.powerOn(loss, new Random(seed));
    }

    @Test
    void whatWasFsyncedSurvivesAndWhatWasNotIsGone() throws IOException {
        PartitionLog log = open(ALWAYS, 0);
        List<String> synced = append(log, "a", 10, 100);
        long durable = log.flush();
        append(log, "b", 10, 100);
        assertEquals(20, log.logEndOffset());
        powerCut(log, SimulatedDisk.Loss.UNSYNCED_DROPPED, 1);

        PartitionLog reopened = open(ALWAYS, durable);
        assertEquals(durable, reopened.logEndOffset());
        assertEquals(synced, Batches.readAll(reopened, 0));
        reopened.close();
    }

    /** Many cuts inside the unsynced pages: the log always ends on a whole, valid batch after the fsynced ones. */
    @RepeatedTest(20)
    void aTornLastPageIsTruncatedToTheLastWholeBatch(org.junit.jupiter.api.RepetitionInfo repetition)
            throws IOException {
        PartitionLog log = open(ALWAYS, 0);
        List<String> synced = append(log, "a", 5, 300);
        long durable = log.flush();
        List<String> unsynced = append(log, "b", 30, 700); // several pages past the fsynced end
        powerCut(log, SimulatedDisk.Loss.TORN_TAIL, repetition.getCurrentRepetition());

        PartitionLog reopened = open(ALWAYS, durable);
        List<String> all = new ArrayList<>(synced);
        all.addAll(unsynced);
        List<String> read = Batches.readAll(reopened, 0);
        assertTrue(reopened.logEndOffset() >= durable && reopened.logEndOffset() < 35,
                "log end " + reopened.logEndOffset());
        assertEquals(all.subList(0, read.size()), read, "a prefix of what was written, nothing altered");
        assertEquals(reopened.logEndOffset(), read.size());
        long segmentBytes = Files.size(tmp.resolve(TP.dirName()).resolve(LogSegment.fileName(0, LogSegment.LOG_SUFFIX)));
        assertEquals(reopened.size(), segmentBytes, "the torn bytes are gone from the file");
        // The next append lands right after the last whole batch.
        assertEquals(reopened.logEndOffset(), reopened.appendAsLeader(Batches.values(1, "c"), 1).firstOffset());
        reopened.close();
    }

    /**
     * The contract the high watermark rests on: the durable end offset a log reports before the cut is
     * still there after it. Under {@code log.flush.policy=interval} the log reports page-cache writes as
     * durable, and the cut takes them: the negative control that shows this test can fail.
     */
    @Test
    void theReportedDurableEndSurvivesUnderAlwaysButNotUnderInterval() throws IOException {
        assertTrue(reportedDurableEndAfterCut(ALWAYS) >= 0, "always: nothing reported durable was lost");
        assertTrue(reportedDurableEndAfterCut(INTERVAL) < 0, "interval: the cut took offsets reported durable");
    }

    /** Appends, flushes once, appends more; returns (end after the cut) - (durable end reported before). */
    private long reportedDurableEndAfterCut(LogConfig config) throws IOException {
        Path dir = tmp.resolve(TP.dirName());
        PartitionLog log = open(config, 0);
        append(log, "a", 5, 50);
        log.flush();
        append(log, "b", 5, 50);
        long reported = log.durableEndOffset();
        powerCut(log, SimulatedDisk.Loss.UNSYNCED_DROPPED, 7);
        PartitionLog reopened = open(config, 0);
        long end = reopened.logEndOffset();
        reopened.deleteAll();
        assertTrue(Files.notExists(dir));
        return end - reported;
    }

    /** A process crash keeps the page cache, but writes no checkpoint: the restart uses the last one. */
    @Test
    void aCrashWritesNoCheckpointAndTheRestartRecoversFromTheLastOne() throws Exception {
        LogManager manager = LogManager.start(tmp, ALWAYS, Time.SYSTEM, 3_600_000, 3_600_000, 1, disk);
        PartitionLog log = manager.getOrCreateLog(TP, ALWAYS);
        List<String> written = append(log, "a", 10, 10);
        log.updateHighWatermark(4);
        manager.checkpoint();
        written.addAll(append(log, "b", 10, 10));
        log.updateHighWatermark(15);
        manager.crash();

        try (LogManager restarted = LogManager.start(tmp, ALWAYS, Time.SYSTEM, 3_600_000, 3_600_000, 1, disk)) {
            PartitionLog again = restarted.getLog(TP).orElseThrow();
            assertEquals(4, again.highWatermark(), "the high watermark of the last checkpoint, not of the crash");
            assertEquals(written, Batches.readAll(again, 0), "the page cache survives a process crash");
            assertEquals(20, again.durableEndOffset(), "recovery fsyncs what it found");
        }
        // A clean close, by contrast, checkpoints the latest high watermark.
        try (LogManager reopened = LogManager.start(tmp, ALWAYS, Time.SYSTEM, 3_600_000, 3_600_000, 1, disk)) {
            assertEquals(4, reopened.getLog(TP).orElseThrow().highWatermark());
            reopened.getLog(TP).orElseThrow().updateHighWatermark(17);
        }
        try (LogManager reopened = LogManager.start(tmp, ALWAYS, Time.SYSTEM, 3_600_000, 3_600_000, 1, disk)) {
            assertEquals(17, reopened.getLog(TP).orElseThrow().highWatermark());
        }
    }

    /** A power cut right after a checkpoint was renamed into place keeps it: checkpoints are fsynced. */
    @Test
    void checkpointsAndEpochsSurviveAPowerCut() throws Exception {
        LogManager manager = LogManager.start(tmp, ALWAYS, Time.SYSTEM, 3_600_000, 3_600_000, 1, disk);
        PartitionLog log = manager.getOrCreateLog(TP, ALWAYS);
        append(log, "a", 3, 10);
        log.assignEpochAtEnd(5);
        assertTrue(log.appendAsLeader(Batches.values(1, "e5"), 5).succeeded());
        log.flush();
        log.updateHighWatermark(4);
        manager.checkpoint();
        disk.powerOff();
        manager.crash();
        disk.powerOn(SimulatedDisk.Loss.UNSYNCED_DROPPED, new Random(3));
        try (LogManager restarted = LogManager.start(tmp, ALWAYS, Time.SYSTEM, 3_600_000, 3_600_000, 1, disk)) {
            PartitionLog again = restarted.getLog(TP).orElseThrow();
            assertEquals(4, again.highWatermark());
            assertEquals(4, again.logEndOffset());
            assertEquals(5, again.latestEpoch());
            assertEquals(new EpochEndOffset(0, 3), again.endOffsetForEpoch(0));
        }
    }
}
