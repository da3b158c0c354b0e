package io.sluice.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.sluice.protocol.ErrorCode;
import io.sluice.protocol.MockTime;
import io.sluice.protocol.TopicPartition;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** DeleteRecords' storage half: the log start offset moves inside segments, never past the HW, and survives restarts. */
@Timeout(30)
class LogStartOffsetTest {
    private static final TopicPartition TP = new TopicPartition("starts", 0);

    @TempDir
    Path tmp;
    private final MockTime clock = new MockTime(5_000_000);

    /** Ten segments of two one-record batches each (offsets 0-19). */
    private static void fill(PartitionLog log) throws IOException {
        for (int i = 0; i < 20; i++) {
            log.appendAsLeader(Batches.ofSize(1_000, 100), 0);
        }
        assertEquals(10, log.numberOfSegments());
    }

    private PartitionLog open() throws IOException {
        return PartitionLog.open(tmp.resolve(TP.dirName()), TP,
                LogConfig.fromMap(Map.of(LogConfig.SEGMENT_BYTES, "400")), clock, 0, null, null);
    }

    @Test
    void movesInsideASegmentAndDeletesOnlySegmentsWhollyBelow() throws IOException {
        try (PartitionLog log = open()) {
            fill(log);
            log.updateHighWatermark(20);
            assertEquals(5, log.advanceLogStartOffset(5));
            assertEquals(List.of(4L, 6L, 8L, 10L, 12L, 14L, 16L, 18L), log.segmentBaseOffsets());
            assertEquals(ErrorCode.OFFSET_OUT_OF_RANGE, log.read(4, 100, Long.MAX_VALUE).error());
            assertEquals(5, log.read(5, 1, Long.MAX_VALUE).range().firstOffset());
            assertEquals(5, log.advanceLogStartOffset(3), "a lower offset changes nothing");
            assertEquals(6, log.advanceLogStartOffset(6));
            assertEquals(List.of(6L, 8L, 10L, 12L, 14L, 16L, 18L), log.segmentBaseOffsets());
        }
    }

    @Test
    void neverPassesTheHighWatermark() throws IOException {
        try (PartitionLog log = open()) {
            fill(log);
            log.updateHighWatermark(7);
            assertEquals(7, log.advanceLogStartOffset(15));
            assertEquals(7, log.logStartOffset());
            assertEquals(7, log.highWatermark());
        }
    }

    @Test
    void retentionKeepsALogStartThatIsAlreadyInsideTheNextSegment() throws IOException {
        try (PartitionLog log = open()) {
            fill(log);
            log.updateHighWatermark(20);
            log.advanceLogStartOffset(3);
            log.updateConfig(log.config().with(Map.of(LogConfig.RETENTION_MS, "1")));
            clock.sleep(10_000_000);
            assertEquals(8, log.deleteOldSegments(clock.milliseconds()));
            assertEquals(18, log.logStartOffset());
        }
    }

    @Test
    void theLogManagerRestoresTheLogStartAfterARestart() throws IOException {
        try (LogManager manager = LogManager.start(tmp, LogConfig.defaultConfig(), clock, 3_600_000, 3_600_000)) {
            PartitionLog log = manager.getOrCreateLog(TP, LogConfig.fromMap(Map.of(LogConfig.SEGMENT_BYTES, "400")));
            fill(log);
            log.flush();
            log.updateHighWatermark(20);
            log.advanceLogStartOffset(7);
        }
        try (LogManager manager = LogManager.start(tmp, LogConfig.defaultConfig(), clock, 3_600_000, 3_600_000)) {
            PartitionLog log = manager.getLog(TP).orElseThrow();
            assertEquals(7, log.logStartOffset());
            assertEquals(20, log.logEndOffset());
            assertEquals(ErrorCode.OFFSET_OUT_OF_RANGE, log.read(6, 100, Long.MAX_VALUE).error());
        }
    }
}
