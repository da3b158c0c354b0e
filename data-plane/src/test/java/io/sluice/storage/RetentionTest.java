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

@Timeout(30)
class RetentionTest {
    private static final TopicPartition TP = new TopicPartition("ret", 1);

    @TempDir
    Path tmp;
    private final MockTime clock = new MockTime(10_000_000);

    private PartitionLog open(Map<String, String> config) throws IOException {
        return PartitionLog.open(tmp.resolve(TP.dirName()), TP, LogConfig.fromMap(config), clock, 0, null, null);
    }

    /** Ten segments of two batches; segment i holds records stamped {@code base + i * 1000}. */
    private void fill(PartitionLog log, long base) throws IOException {
        for (int i = 0; i < 20; i++) {
            log.appendAsLeader(Batches.ofSize(base + (i / 2) * 1000L, 100), 0);
        }
        assertEquals(10, log.numberOfSegments());
    }

    @Test
    void deletesByAgeOnlyAPrefixAndMovesLogStart() throws IOException {
        try (PartitionLog log = open(Map.of(LogConfig.SEGMENT_BYTES, "400", LogConfig.RETENTION_MS, "5500"))) {
            long now = clock.milliseconds();
            fill(log, now - 9_000);
            log.updateHighWatermark(log.logEndOffset());
            // Newest record of segment i is 9000 - 1000 i ms old: segments 0-3 (9, 8, 7, 6 s) expire.
            assertEquals(4, log.deleteOldSegments(now));
            assertEquals(8, log.logStartOffset());
            assertEquals(ErrorCode.OFFSET_OUT_OF_RANGE, log.read(7, 100, Long.MAX_VALUE).error());
            assertEquals(8, log.read(8, 1, Long.MAX_VALUE).range().firstOffset());
            assertEquals(0, log.deleteOldSegments(now));
            clock.sleep(100_000);
            assertEquals(5, log.deleteOldSegments(clock.milliseconds()), "never the active segment");
            assertEquals(List.of(18L), log.segmentBaseOffsets());
        }
    }

    @Test
    void deletesBySizeDownToRetentionBytes() throws IOException {
        try (PartitionLog log = open(Map.of(LogConfig.SEGMENT_BYTES, "400", LogConfig.RETENTION_MS, "-1"))) {
            fill(log, clock.milliseconds());
            long segmentSize = log.size() / 10;
            log.updateConfig(log.config().with(Map.of(LogConfig.RETENTION_BYTES, Long.toString(segmentSize * 4 + 1))));
            log.updateHighWatermark(log.logEndOffset());
            assertEquals(5, log.deleteOldSegments(clock.milliseconds()));
            assertEquals(5, log.numberOfSegments());
            assertEquals(10, log.logStartOffset());
        }
    }

    @Test
    void neverDeletesAboveTheHighWatermark() throws IOException {
        try (PartitionLog log = open(Map.of(LogConfig.SEGMENT_BYTES, "400", LogConfig.RETENTION_MS, "0"))) {
            fill(log, 0);
            log.updateHighWatermark(5); // inside segment 2 (offsets 4-5)
            assertEquals(2, log.deleteOldSegments(clock.milliseconds()));
            assertEquals(4, log.logStartOffset());
        }
    }

    @Test
    void epochCacheFollowsLogStart() throws IOException {
        try (PartitionLog log = open(Map.of(LogConfig.SEGMENT_BYTES, "400", LogConfig.RETENTION_BYTES, "0"))) {
            for (int i = 0; i < 6; i++) {
                log.appendAsLeader(Batches.ofSize(clock.milliseconds(), 100), i / 2); // epochs 0,0,1,1,2,2
            }
            log.updateHighWatermark(log.logEndOffset());
            log.deleteOldSegments(clock.milliseconds());
            assertEquals(4, log.logStartOffset());
            assertEquals(new EpochEndOffset(1, 4), log.endOffsetForEpoch(1));
            assertEquals(new EpochEndOffset(2, 6), log.endOffsetForEpoch(2));
        }
    }
}
