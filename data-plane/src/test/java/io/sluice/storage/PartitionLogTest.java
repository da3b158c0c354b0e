package io.sluice.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sluice.protocol.ErrorCode;
import io.sluice.protocol.MockTime;
import io.sluice.protocol.TopicPartition;
import io.sluice.protocol.record.RecordBatch;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(30)
class PartitionLogTest {
    private static final TopicPartition TP = new TopicPartition("orders", 3);

    @TempDir
    Path tmp;
    private final MockTime clock = new MockTime(1_000_000);
    private PartitionLog log;

    @AfterEach
    void tearDown() throws IOException {
        if (log != null && !log.isClosed()) {
            log.close();
        }
    }

    private PartitionLog open(Map<String, String> overrides) throws IOException {
        log = PartitionLog.open(tmp.resolve(TP.dirName()), TP, LogConfig.fromMap(overrides), clock, 0, null, null);
        return log;
    }

    @Test
    void assignsOffsetsAndEpochInPlace() throws IOException {
        open(Map.of());
        ByteBuffer batch = Batches.values(5, "a", "b", "c");
        LogAppendResult r = log.appendAsLeader(batch, 4);
        assertEquals(ErrorCode.NONE, r.error());
        assertEquals(0, r.firstOffset());
        assertEquals(2, r.lastOffset());
        assertEquals(5, r.maxTimestamp());
        LogAppendResult r2 = log.appendAsLeader(Batches.values(6, "d"), 4);
        assertEquals(3, r2.firstOffset());
        assertEquals(4, log.logEndOffset());
        assertEquals(0, batch.position(), "the caller's buffer is patched, not consumed");
        assertEquals(4, RecordBatch.wrap(batch).partitionLeaderEpoch());

        LogReadResult read = log.read(0, 1 << 20, Long.MAX_VALUE);
        assertEquals(List.of("0:a", "1:b", "2:c", "3:d"), Batches.read(read));
        RecordBatch stored = RecordBatch.wrap(read.range().readBytes());
        assertEquals(4, stored.partitionLeaderEpoch());
        assertTrue(stored.isValid());
        assertEquals(Files.size(log.dir().resolve("00000000000000000000.log")), log.size());
    }

    @Test
    void readsAtEveryBoundary() throws IOException {
        open(Map.of());
        log.appendAsLeader(Batches.values(1, "a", "b"), 0); // 0-1
        log.appendAsLeader(Batches.values(1, "c", "d"), 0); // 2-3
        log.appendAsLeader(Batches.values(1, "e"), 0);      // 4
        assertEquals(List.of("0:a", "1:b", "2:c", "3:d", "4:e"), Batches.read(log.read(0, 1 << 20, Long.MAX_VALUE)));
        // Mid-batch: the whole batch holding the offset is returned.
        assertEquals(List.of("2:c", "3:d", "4:e"), Batches.read(log.read(3, 1 << 20, Long.MAX_VALUE)));
        assertEquals(List.of("4:e"), Batches.read(log.read(4, 1 << 20, Long.MAX_VALUE)));
        LogReadResult atEnd = log.read(5, 1 << 20, Long.MAX_VALUE);
        assertEquals(ErrorCode.NONE, atEnd.error());
        assertTrue(atEnd.isEmpty());
        assertEquals(ErrorCode.OFFSET_OUT_OF_RANGE, log.read(6, 100, Long.MAX_VALUE).error());
        assertEquals(ErrorCode.OFFSET_OUT_OF_RANGE, log.read(-1, 100, Long.MAX_VALUE).error());
        // maxBytes smaller than one batch still returns that batch, and only it.
        assertEquals(List.of("0:a", "1:b"), Batches.read(log.read(0, 1, Long.MAX_VALUE)));
        // maxOffsetExclusive (the high watermark for consumers) cuts at whole batches.
        assertEquals(List.of("0:a", "1:b"), Batches.read(log.read(0, 1 << 20, 3)));
        assertEquals(List.of("0:a", "1:b", "2:c", "3:d"), Batches.read(log.read(0, 1 << 20, 4)));
        assertTrue(log.read(2, 1 << 20, 3).isEmpty());
    }

    @Test
    void maxBytesStopsAtWholeBatches() throws IOException {
        open(Map.of());
        for (int i = 0; i < 10; i++) {
            log.appendAsLeader(Batches.ofSize(1, 100), 0);
        }
        int batchSize = (int) (log.size() / 10);
        LogReadResult r = log.read(0, batchSize * 3 + batchSize / 2, Long.MAX_VALUE);
        assertEquals(3 * batchSize, r.range().length());
        assertEquals(0, r.range().firstOffset());
        assertEquals(2, r.range().lastOffset());
    }

    @Test
    void rollsAtSegmentBytesAndReadsFromOneSegment() throws IOException {
        open(Map.of(LogConfig.SEGMENT_BYTES, "500"));
        for (int i = 0; i < 10; i++) {
            log.appendAsLeader(Batches.ofSize(1, 100), 0); // ~170 bytes each: 2 per segment
        }
        assertEquals(5, log.numberOfSegments());
        assertEquals(List.of(0L, 2L, 4L, 6L, 8L), log.segmentBaseOffsets());
        assertTrue(Files.exists(log.dir().resolve("00000000000000000002.index")));
        assertTrue(Files.exists(log.dir().resolve("00000000000000000002.timeindex")));
        LogReadResult r = log.read(1, 1 << 20, Long.MAX_VALUE);
        assertEquals(1, r.range().firstOffset());
        assertEquals(1, r.range().lastOffset(), "a read stops at the end of its segment");
        assertEquals(2, log.read(2, 1 << 20, Long.MAX_VALUE).range().firstOffset());
        assertEquals(10, Batches.readAll(log, 0).size());
    }

    @Test
    void rollsAtSegmentMsOnlyWhenNotEmpty() throws IOException {
        open(Map.of(LogConfig.SEGMENT_MS, "1000"));
        clock.sleep(5000);
        log.appendAsLeader(Batches.values(1, "a"), 0);
        assertEquals(1, log.numberOfSegments(), "an empty active segment is reused, however old");
        clock.sleep(999);
        log.appendAsLeader(Batches.values(1, "b"), 0);
        assertEquals(1, log.numberOfSegments());
        clock.sleep(5000);
        log.appendAsLeader(Batches.values(1, "c"), 0);
        assertEquals(List.of(0L, 2L), log.segmentBaseOffsets());
    }

    @Test
    void indexLookupFindsEveryOffset() throws IOException {
        open(Map.of(LogConfig.INDEX_INTERVAL_BYTES, "200"));
        int n = 300;
        for (int i = 0; i < n; i++) {
            log.appendAsLeader(Batches.values(i, "x" + i, "y" + i), 0);
        }
        for (long offset = 0; offset < 2L * n; offset++) {
            LogReadResult r = log.read(offset, 1, Long.MAX_VALUE);
            assertEquals(offset - offset % 2, r.range().firstOffset(), "offset " + offset);
            assertEquals("x" + offset / 2, Batches.read(r).get(0).split(":")[1]);
        }
    }

    @Test
    void findsOffsetsByTimestamp() throws IOException {
        open(Map.of(LogConfig.INDEX_INTERVAL_BYTES, "100", LogConfig.SEGMENT_BYTES, "2000"));
        for (int i = 0; i < 100; i++) {
            log.appendAsLeader(Batches.values(1000 + 10L * i, "v" + i), 0);
        }
        assertEquals(Optional.of(new TimestampOffset(1000, 0)), log.offsetForTimestamp(0));
        assertEquals(Optional.of(new TimestampOffset(1500, 50)), log.offsetForTimestamp(1500));
        assertEquals(Optional.of(new TimestampOffset(1510, 51)), log.offsetForTimestamp(1501));
        assertEquals(Optional.of(new TimestampOffset(1990, 99)), log.offsetForTimestamp(1990));
        assertEquals(Optional.empty(), log.offsetForTimestamp(1991));
        assertEquals(100, log.offsetForTimestamp(PartitionLog.LATEST_TIMESTAMP).get().offset());
        assertEquals(0, log.offsetForTimestamp(PartitionLog.EARLIEST_TIMESTAMP).get().offset());
    }

    @Test
    void timestampLookupLooksInsideBatches() throws IOException {
        open(Map.of());
        ByteBuffer batch = new io.sluice.protocol.record.RecordBatchBuilder(io.sluice.protocol.record.CompressionType.LZ4)
                .append(100, null, new byte[1]).append(300, null, new byte[1]).append(200, null, new byte[1]).build();
        log.appendAsLeader(batch, 0);
        assertEquals(Optional.of(new TimestampOffset(100, 0)), log.offsetForTimestamp(50));
        // Offset order, not timestamp order: offset 1 (300) comes before offset 2 (200).
        assertEquals(Optional.of(new TimestampOffset(300, 1)), log.offsetForTimestamp(150));
        assertEquals(Optional.empty(), log.offsetForTimestamp(301));
    }

    @Test
    void maxTimestampIsTheFirstRecordCarryingItAcrossSegments() throws IOException {
        open(Map.of(LogConfig.SEGMENT_BYTES, "300"));
        assertEquals(Optional.empty(), log.maxTimestampOffset());
        log.appendAsLeader(Batches.values(100, "a", "b"), 0); // 0-1
        ByteBuffer batch = new io.sluice.protocol.record.RecordBatchBuilder(io.sluice.protocol.record.CompressionType.ZSTD)
                .append(200, null, new byte[1]).append(900, null, new byte[1]).append(900, null, new byte[1]).build();
        log.appendAsLeader(batch, 0); // 2-4; offset 3 is the first record carrying 900
        for (int i = 0; i < 10; i++) {
            log.appendAsLeader(Batches.values(500 + i, "later" + i), 0); // later segments, older timestamps
        }
        assertTrue(log.numberOfSegments() > 1);
        assertEquals(Optional.of(new TimestampOffset(900, 3)), log.maxTimestampOffset());
    }

    @Test
    void truncationRemovesWholeBatchesAndEpochs() throws IOException {
        open(Map.of(LogConfig.SEGMENT_BYTES, "300"));
        log.appendAsLeader(Batches.values(1, "a", "b"), 1); // 0-1
        log.appendAsLeader(Batches.values(1, "c", "d"), 2); // 2-3
        log.appendAsLeader(Batches.values(1, "e", "f"), 3); // 4-5
        log.appendAsLeader(Batches.values(1, "g", "h"), 3); // 6-7
        log.updateHighWatermark(8);
        log.flush();
        assertEquals(new EpochEndOffset(2, 4), log.endOffsetForEpoch(2));

        log.truncateTo(5); // inside the batch 4-5: the whole batch goes
        assertEquals(4, log.logEndOffset());
        assertEquals(4, log.highWatermark());
        assertEquals(4, log.durableEndOffset());
        assertEquals(2, log.latestEpoch());
        assertEquals(new EpochEndOffset(2, 4), log.endOffsetForEpoch(2));
        assertEquals(List.of("0:a", "1:b", "2:c", "3:d"), Batches.readAll(log, 0));

        log.truncateTo(2); // exactly at a batch start
        assertEquals(2, log.logEndOffset());
        assertEquals(1, log.latestEpoch());
        LogAppendResult r = log.appendAsLeader(Batches.values(1, "z"), 5);
        assertEquals(2, r.firstOffset());
        assertEquals(List.of("0:a", "1:b", "2:z"), Batches.readAll(log, 0));
        assertEquals(new EpochEndOffset(1, 2), log.endOffsetForEpoch(3));
    }

    @Test
    void truncateFullyRestartsAtOffset() throws IOException {
        open(Map.of());
        log.appendAsLeader(Batches.values(1, "a", "b"), 1);
        log.truncateFullyAndStartAt(100);
        assertEquals(100, log.logStartOffset());
        assertEquals(100, log.logEndOffset());
        assertEquals(-1, log.latestEpoch());
        assertEquals(ErrorCode.OFFSET_OUT_OF_RANGE, log.read(0, 100, Long.MAX_VALUE).error());
        assertEquals(100, log.appendAsLeader(Batches.values(1, "c"), 2).firstOffset());
        assertEquals(List.of("100:c"), Batches.readAll(log, 100));
        assertEquals(List.of(100L), log.segmentBaseOffsets());
    }

    @Test
    void endOffsetForEpochFollowsKafkaRules() throws IOException {
        open(Map.of());
        assertEquals(EpochEndOffset.UNDEFINED, log.endOffsetForEpoch(0));
        log.appendAsLeader(Batches.values(1, "a"), 2);      // epoch 2 starts at 0
        log.appendAsLeader(Batches.values(1, "b", "c"), 5); // epoch 5 starts at 1
        assertEquals(new EpochEndOffset(5, 3), log.endOffsetForEpoch(5));
        assertEquals(new EpochEndOffset(2, 1), log.endOffsetForEpoch(4));
        assertEquals(new EpochEndOffset(1, 0), log.endOffsetForEpoch(1));
        assertEquals(EpochEndOffset.UNDEFINED, log.endOffsetForEpoch(6));
        assertEquals(ErrorCode.FENCED_LEADER_EPOCH, log.appendAsLeader(Batches.values(1, "x"), 4).error());
    }

    @Test
    void followerAppendKeepsOffsetsAndLearnsEpochs() throws IOException {
        open(Map.of());
        ByteBuffer b1 = Batches.values(1, "a", "b");
        RecordBatch.wrap(b1).setBaseOffset(0);
        RecordBatch.wrap(b1).setPartitionLeaderEpoch(3);
        ByteBuffer b2 = Batches.values(1, "c");
        RecordBatch.wrap(b2).setBaseOffset(2);
        RecordBatch.wrap(b2).setPartitionLeaderEpoch(4);
        LogAppendResult r = log.appendAsFollower(Batches.concat(b1, b2));
        assertEquals(ErrorCode.NONE, r.error());
        assertEquals(2, r.lastOffset());
        assertEquals(3, log.logEndOffset());
        assertEquals(new EpochEndOffset(3, 2), log.endOffsetForEpoch(3));
        assertEquals(4, log.latestEpoch());

        ByteBuffer stale = Batches.values(1, "old");
        RecordBatch.wrap(stale).setBaseOffset(1);
        assertEquals(ErrorCode.INVALID_RECORD, log.appendAsFollower(stale).error());
        ByteBuffer corrupt = Batches.values(1, "bad");
        RecordBatch.wrap(corrupt).setBaseOffset(3);
        corrupt.put(corrupt.limit() - 2, (byte) 'X');
        assertEquals(ErrorCode.CORRUPT_MESSAGE, log.appendAsFollower(corrupt).error());
        assertEquals(3, log.logEndOffset());
    }

    @Test
    void reopenKeepsDataEpochsAndProducerState() throws IOException {
        open(Map.of(LogConfig.SEGMENT_BYTES, "300"));
        log.appendAsLeader(Batches.idempotent(7, (short) 0, 0, 2), 1);
        log.appendAsLeader(Batches.values(1, "x", "y"), 2);
        log.appendAsLeader(Batches.idempotent(7, (short) 0, 2, 1), 2);
        log.close();
        open(Map.of(LogConfig.SEGMENT_BYTES, "300"));
        assertEquals(5, log.logEndOffset());
        assertEquals(5, log.durableEndOffset());
        assertEquals(new EpochEndOffset(1, 2), log.endOffsetForEpoch(1));
        LogAppendResult dup = log.appendAsLeader(Batches.idempotent(7, (short) 0, 2, 1), 2);
        assertTrue(dup.duplicate());
        assertEquals(4, dup.firstOffset());
        assertEquals(ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER,
                log.appendAsLeader(Batches.idempotent(7, (short) 0, 5, 1), 2).error());
    }

    @Test
    void flushAdvancesDurableEndOffset() throws IOException {
        open(Map.of());
        log.appendAsLeader(Batches.values(1, "a"), 0);
        assertEquals(0, log.durableEndOffset());
        assertEquals(1, log.flush());
        assertEquals(1, log.durableEndOffset());
        assertEquals(1, log.recoveryPoint());
        log.updateConfig(LogConfig.fromMap(Map.of(LogConfig.FLUSH_POLICY, "interval")));
        log.appendAsLeader(Batches.values(1, "b"), 0);
        assertEquals(2, log.durableEndOffset(), "interval: durable means written to the page cache");
        assertEquals(1, log.recoveryPoint());
    }

    @Test
    void highWatermarkIsClamped() throws IOException {
        open(Map.of());
        log.appendAsLeader(Batches.values(1, "a", "b"), 0);
        log.updateHighWatermark(10);
        assertEquals(2, log.highWatermark());
        log.updateHighWatermark(1);
        assertEquals(1, log.highWatermark());
        assertNull(log.read(0, 100, log.highWatermark()).range());
    }

    @Test
    void deleteAllRemovesTheDirectory() throws IOException {
        open(Map.of());
        log.appendAsLeader(Batches.values(1, "a"), 0);
        log.deleteAll();
        assertFalse(Files.exists(tmp.resolve(TP.dirName())));
    }
    @Test
    void rollsOnlyWhenTheNextBatchWouldNotFit() throws IOException {
        int size = Batches.ofSize(1, 100).remaining();
        open(Map.of(LogConfig.SEGMENT_BYTES, Integer.toString(2 * size)));
        log.appendAsLeader(Batches.ofSize(1, 100), 0);
        log.appendAsLeader(Batches.ofSize(1, 100), 0);
        assertEquals(List.of(0L), log.segmentBaseOffsets(), "two batches fill the segment exactly");
        log.appendAsLeader(Batches.ofSize(1, 100), 0);
        assertEquals(List.of(0L, 2L), log.segmentBaseOffsets());
    }

    @Test
    void rollsWhenTheIndexIsFull() throws IOException {
        // 64 bytes: 8 entries; one for every batch after the first.
        open(Map.of(LogConfig.SEGMENT_INDEX_BYTES, "64", LogConfig.INDEX_INTERVAL_BYTES, "0"));
        for (int i = 0; i < 9; i++) {
            log.appendAsLeader(Batches.values(1, "v" + i), 0);
        }
        assertEquals(List.of(0L), log.segmentBaseOffsets());
        log.appendAsLeader(Batches.values(1, "v9"), 0);
        assertEquals(List.of(0L, 9L), log.segmentBaseOffsets());
        assertEquals(10, Batches.readAll(log, 0).size());
    }

    @Test
    void rollsBeforeOffsetsOutgrowTheSegmentsRelativeRange() throws IOException {
        open(Map.of());
        ByteBuffer first = Batches.values(1, "a");
        assertEquals(ErrorCode.NONE, log.appendAsFollower(first).error());
        long far = 1L + Integer.MAX_VALUE;
        ByteBuffer near = Batches.values(1, "b");
        RecordBatch.wrap(near).setBaseOffset(far - 1); // last offset - base offset = Integer.MAX_VALUE - 1: still fits
        assertEquals(ErrorCode.NONE, log.appendAsFollower(near).error());
        assertEquals(List.of(0L), log.segmentBaseOffsets());
        ByteBuffer beyond = Batches.values(1, "c");
        RecordBatch.wrap(beyond).setBaseOffset(far + 1);
        assertEquals(ErrorCode.NONE, log.appendAsFollower(beyond).error());
        assertEquals(List.of(0L, far + 1), log.segmentBaseOffsets());
        assertEquals(List.of((far + 1) + ":c"), Batches.read(log.read(far + 1, 1 << 20, Long.MAX_VALUE)));
    }

    @Test
    void anOlderLeaderEpochIsFencedAndWritesNothing() throws IOException {
        open(Map.of());
        log.appendAsLeader(Batches.values(1, "a"), 5);
        LogAppendResult r = log.appendAsLeader(Batches.values(1, "b"), 4);
        assertEquals(ErrorCode.FENCED_LEADER_EPOCH, r.error());
        assertEquals(1, log.logEndOffset());
        assertEquals(ErrorCode.NONE, log.appendAsLeader(Batches.values(1, "c"), 5).error());
    }

    @Test
    void timestampLookupsRefuseNegativeTimestampsOtherThanTheSentinels() throws IOException {
        open(Map.of());
        assertEquals(Optional.empty(), log.maxTimestampOffset(), "no records, no timestamp");
        log.appendAsLeader(Batches.values(0, "a"), 0);
        log.appendAsLeader(Batches.values(0, "b"), 0);
        assertEquals(Optional.of(new TimestampOffset(0, 0)), log.maxTimestampOffset(), "0 is a timestamp");
        assertEquals(Optional.of(new TimestampOffset(RecordBatch.NO_TIMESTAMP, 2)),
                log.offsetForTimestamp(PartitionLog.LATEST_TIMESTAMP));
        org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> log.offsetForTimestamp(-3));
    }

    @Test
    void aReadOfAClosedLogIsOutOfRangeAndAFlushReturnsTheDurableEnd() throws IOException {
        open(Map.of());
        log.appendAsLeader(Batches.values(1, "a"), 0);
        log.close();
        assertEquals(ErrorCode.OFFSET_OUT_OF_RANGE, log.read(0, 1 << 20, Long.MAX_VALUE).error());
        assertEquals(1, log.flush());
    }
}
