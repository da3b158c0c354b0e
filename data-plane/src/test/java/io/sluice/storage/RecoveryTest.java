package io.sluice.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sluice.protocol.TopicPartition;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import io.sluice.protocol.Time;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Reopening after damage a crash can leave: torn tails, flipped bytes, lost indexes. */
@Timeout(30)
class RecoveryTest {
    private static final TopicPartition TP = new TopicPartition("r", 0);
    private static final LogConfig CONFIG = LogConfig.fromMap(Map.of(
            LogConfig.SEGMENT_BYTES, "2000", LogConfig.INDEX_INTERVAL_BYTES, "100"));

    @TempDir
    Path tmp;

    private Path dir() {
        return tmp.resolve(TP.dirName());
    }

    private PartitionLog open(long recoveryPoint) throws IOException {
        return PartitionLog.open(dir(), TP, CONFIG, Time.SYSTEM, recoveryPoint, null, null);
    }

    /** Writes 60 single-record batches "v0".."v59" (several segments) and closes without a clean end. */
    private List<String> writeLog() throws IOException {
        List<String> expected = new ArrayList<>();
        PartitionLog log = open(0);
        for (int i = 0; i < 60; i++) {
            log.appendAsLeader(Batches.values(i, "v" + i), 1);
            expected.add(i + ":v" + i);
        }
        log.close();
        return expected;
    }

    private Path lastSegment() throws IOException {
        List<Long> bases = LogLoader.segmentBaseOffsets(dir());
        return dir().resolve(LogSegment.fileName(bases.get(bases.size() - 1), LogSegment.LOG_SUFFIX));
    }

    @Test
    void tornTailIsTruncatedAtTheLastWholeBatch() throws IOException {
        List<String> expected = writeLog();
        Path last = lastSegment();
        long size = Files.size(last);
        try (FileChannel ch = FileChannel.open(last, StandardOpenOption.WRITE)) {
            ch.truncate(size - 5); // the last batch loses its final bytes
        }
        try (PartitionLog log = open(0)) {
            assertEquals(59, log.logEndOffset());
            assertEquals(expected.subList(0, 59), Batches.readAll(log, 0));
            assertEquals(log.logEndOffset(), log.durableEndOffset());
            assertEquals(59, log.appendAsLeader(Batches.values(1, "again"), 1).firstOffset());
        }
    }

    @Test
    void garbageAfterTheLastBatchIsDropped() throws IOException {
        List<String> expected = writeLog();
        try (FileChannel ch = FileChannel.open(lastSegment(), StandardOpenOption.WRITE, StandardOpenOption.APPEND)) {
            ch.write(ByteBuffer.wrap(new byte[] {0, 0, 0, 0, 0, 0, 0, 60, 0, 0, 0, 99, 1, 2}));
        }
        try (PartitionLog log = open(0)) {
            assertEquals(expected, Batches.readAll(log, 0));
        }
    }

    @Test
    void flippedByteInTheMiddleKeepsEverythingBeforeIt() throws IOException {
        writeLog();
        List<Long> bases = LogLoader.segmentBaseOffsets(dir());
        assertTrue(bases.size() >= 3, "need several segments, got " + bases);
        Path middle = dir().resolve(LogSegment.fileName(bases.get(1), LogSegment.LOG_SUFFIX));
        // Find the third batch of the middle segment and flip a byte inside its records.
        int batchSize = Batches.values(0, "v10").remaining();
        try (FileChannel ch = FileChannel.open(middle, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            ByteBuffer one = ByteBuffer.allocate(1);
            long pos = 2L * batchSize + batchSize - 2;
            ch.read(one, pos);
            one.put(0, (byte) (one.get(0) ^ 0x40)).rewind();
            ch.write(one, pos);
        }
        try (PartitionLog log = open(0)) {
            long expectedEnd = bases.get(1) + 2;
            assertEquals(expectedEnd, log.logEndOffset());
            assertEquals(bases.subList(0, 2), log.segmentBaseOffsets(), "segments after the damage are gone");
            List<String> all = Batches.readAll(log, 0);
            assertEquals(expectedEnd, all.size());
            assertEquals(expectedEnd - 1 + ":v" + (expectedEnd - 1), all.get(all.size() - 1));
            assertEquals(new EpochEndOffset(1, expectedEnd), log.endOffsetForEpoch(1));
        }
    }

    @Test
    void missingIndexIsRebuiltEvenBelowTheRecoveryPoint() throws IOException {
        List<String> expected = writeLog();
        Path index = dir().resolve(LogSegment.fileName(0, LogSegment.INDEX_SUFFIX));
        Files.delete(index);
        try (PartitionLog log = open(Long.MAX_VALUE)) {
            assertTrue(Files.exists(index));
            assertEquals(expected, Batches.readAll(log, 0));
            for (long offset = 0; offset < 60; offset++) {
                assertEquals(offset, log.read(offset, 1, Long.MAX_VALUE).range().firstOffset());
            }
        }
    }

    @Test
    void inconsistentIndexIsRebuilt() throws IOException {
        List<String> expected = writeLog();
        Path index = dir().resolve(LogSegment.fileName(0, LogSegment.INDEX_SUFFIX));
        try (FileChannel ch = FileChannel.open(index, StandardOpenOption.WRITE)) {
            ch.write(ByteBuffer.allocate(8).putInt(1).putInt(1_000_000).flip(), 0); // points past the file
        }
        try (PartitionLog log = open(Long.MAX_VALUE)) {
            assertEquals(expected, Batches.readAll(log, 0));
            assertEquals(7, log.read(7, 1, Long.MAX_VALUE).range().firstOffset());
        }
    }

    @Test
    void segmentsBelowTheRecoveryPointAreTrusted() throws IOException {
        writeLog();
        // Damage the first segment's records (not its header): a trusted segment is not re-read.
        Path first = dir().resolve(LogSegment.fileName(0, LogSegment.LOG_SUFFIX));
        try (FileChannel ch = FileChannel.open(first, StandardOpenOption.WRITE)) {
            ch.write(ByteBuffer.wrap(new byte[] {'X'}), 65); // inside the first batch's records
        }
        try (PartitionLog log = open(Long.MAX_VALUE)) {
            assertEquals(60, log.logEndOffset());
        }
        try (PartitionLog log = open(0)) {
            assertEquals(0, log.logEndOffset(), "from recovery point 0 the damage is found and cut");
            assertEquals(List.of(0L), LogLoader.segmentBaseOffsets(dir()));
        }
    }

    @Test
    void producerStateIsRebuiltFromTheLog() throws IOException {
        try (PartitionLog log = open(0)) {
            log.appendAsLeader(Batches.idempotent(5, (short) 1, 0, 3), 0);
            log.appendAsLeader(Batches.idempotent(5, (short) 1, 3, 3), 0);
        }
        try (PartitionLog log = open(0)) {
            LogAppendResult dup = log.appendAsLeader(Batches.idempotent(5, (short) 1, 3, 3), 0);
            assertTrue(dup.duplicate());
            assertEquals(3, dup.firstOffset());
            assertEquals(io.sluice.protocol.ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER,
                    log.appendAsLeader(Batches.idempotent(5, (short) 1, 7, 1), 0).error());
            assertTrue(log.appendAsLeader(Batches.idempotent(5, (short) 1, 6, 1), 0).succeeded());
        }
    }
}
