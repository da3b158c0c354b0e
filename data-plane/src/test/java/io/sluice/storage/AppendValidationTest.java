package io.sluice.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sluice.protocol.ErrorCode;
import io.sluice.protocol.TopicPartition;
import io.sluice.protocol.record.CompressionType;
import io.sluice.protocol.record.RecordBatch;
import io.sluice.protocol.record.RecordBatchBuilder;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Every reason an append is refused, and that a refused append writes nothing. */
@Timeout(30)
class AppendValidationTest {
    private static final TopicPartition TP = new TopicPartition("t", 0);

    @TempDir
    Path tmp;
    private PartitionLog log;

    @BeforeEach
    void setUp() throws IOException {
        log = PartitionLog.open(tmp.resolve("t-0"), TP, LogConfig.fromMap(Map.of(LogConfig.MAX_MESSAGE_BYTES, "1000")));
        log.appendAsLeader(Batches.values(1, "first"), 0);
    }

    @AfterEach
    void tearDown() throws IOException {
        log.close();
    }

    private void assertRefused(ErrorCode expected, ByteBuffer batches, String messagePart) throws IOException {
        long endBefore = log.logEndOffset();
        long sizeBefore = log.size();
        LogAppendResult r = log.appendAsLeader(batches, 0);
        assertEquals(expected, r.error(), r.errorMessage());
        assertTrue(r.errorMessage().contains(messagePart), r.errorMessage());
        assertEquals(endBefore, log.logEndOffset());
        assertEquals(sizeBefore, log.size());
    }

    @Test
    void flippedByteIsCorrupt() throws IOException {
        ByteBuffer b = Batches.values(1, "hello");
        b.put(b.limit() - 3, (byte) 0x7f);
        assertRefused(ErrorCode.CORRUPT_MESSAGE, b, "CRC");
    }

    @Test
    void wrongMagicIsInvalid() throws IOException {
        ByteBuffer b = Batches.values(1, "hello");
        b.put(RecordBatch.MAGIC_OFFSET, (byte) 1);
        assertRefused(ErrorCode.INVALID_RECORD, b, "magic 1");
    }

    @Test
    void truncatedOrOverlongLengthIsCorrupt() throws IOException {
        ByteBuffer b = Batches.values(1, "hello");
        assertRefused(ErrorCode.CORRUPT_MESSAGE, b.duplicate().limit(b.limit() - 1).slice(), "batch length");
        assertRefused(ErrorCode.CORRUPT_MESSAGE, b.duplicate().limit(30).slice(), "header");
        ByteBuffer shortLength = Batches.values(1, "hello");
        shortLength.putInt(RecordBatch.LENGTH_OFFSET, 10);
        assertRefused(ErrorCode.CORRUPT_MESSAGE, shortLength, "batch length 10");
    }

    @Test
    void oversizedBatchIsTooLarge() throws IOException {
        assertRefused(ErrorCode.MESSAGE_TOO_LARGE, Batches.ofSize(1, 1000), "max.message.bytes=1000");
    }

    @Test
    void countNotMatchingLastOffsetDeltaIsInvalid() throws IOException {
        ByteBuffer b = Batches.values(1, "a", "b");
        b.putInt(RecordBatch.RECORDS_COUNT_OFFSET, 3);
        Batches.fixCrc(b);
        assertRefused(ErrorCode.INVALID_RECORD, b, "claims 3 records");
    }

    @Test
    void badRecordInsideUncompressedBatchIsInvalid() throws IOException {
        ByteBuffer b = Batches.values(1, "a", "b");
        // Second record's offset delta (after its length, attributes and timestamp delta) 1 -> 5.
        int second = RecordBatch.RECORDS_OFFSET + 1 + (b.get(RecordBatch.RECORDS_OFFSET) >> 1);
        b.put(second + 3, (byte) 10);
        Batches.fixCrc(b);
        assertRefused(ErrorCode.INVALID_RECORD, b, "offset delta 5");
    }

    @Test
    void unknownCodecAndTransactionsAreInvalid() throws IOException {
        ByteBuffer codec = Batches.values(1, "a");
        codec.putShort(RecordBatch.ATTRIBUTES_OFFSET, (short) 6);
        Batches.fixCrc(codec);
        assertRefused(ErrorCode.INVALID_RECORD, codec, "compression codec id 6");
        ByteBuffer txn = Batches.values(1, "a");
        txn.putShort(RecordBatch.ATTRIBUTES_OFFSET, (short) 0x10);
        Batches.fixCrc(txn);
        assertRefused(ErrorCode.INVALID_RECORD, txn, "transactional");
    }

    @Test
    void oneBadBatchRefusesTheWholeAppend() throws IOException {
        ByteBuffer bad = Batches.values(1, "bad");
        bad.put(bad.limit() - 2, (byte) '!'); // last byte of the value "bad"
        assertRefused(ErrorCode.CORRUPT_MESSAGE, Batches.concat(Batches.values(1, "good"), bad), "CRC");
    }

    @Test
    void emptyAppendIsInvalid() throws IOException {
        assertRefused(ErrorCode.INVALID_RECORD, ByteBuffer.allocate(0), "no batches");
    }

    @Test
    void compressedBatchesAreStoredAsIs() throws IOException {
        for (CompressionType type : CompressionType.values()) {
            ByteBuffer b = new RecordBatchBuilder(type).append(1, null, ("z-" + type).getBytes()).build();
            ByteBuffer original = ByteBuffer.allocate(b.remaining()).put(b.duplicate()).flip();
            LogAppendResult r = log.appendAsLeader(b, 0);
            assertEquals(ErrorCode.NONE, r.error(), type + ": " + r.errorMessage());
            ByteBuffer stored = log.read(r.firstOffset(), 1, Long.MAX_VALUE).range().readBytes();
            // Identical from the magic byte on; only base offset and leader epoch were patched.
            assertEquals(original.slice(16, original.remaining() - 16), stored.slice(16, stored.remaining() - 16), type.name());
            assertEquals(r.firstOffset(), RecordBatch.wrap(stored).baseOffset());
            assertEquals(0, RecordBatch.wrap(stored).partitionLeaderEpoch());
        }
    }

    @Test
    void producerSequencesAreChecked() throws IOException {
        assertTrue(log.appendAsLeader(Batches.idempotent(1, (short) 0, 0, 3), 0).succeeded());
        assertTrue(log.appendAsLeader(Batches.idempotent(1, (short) 0, 3, 2), 0).succeeded());
        assertRefused(ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER, Batches.idempotent(1, (short) 0, 6, 1), "5 was expected");
        // A new epoch must start at sequence 0.
        assertRefused(ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER, Batches.idempotent(1, (short) 1, 5, 1), "instead of 0");
        assertTrue(log.appendAsLeader(Batches.idempotent(1, (short) 1, 0, 1), 0).succeeded());
        assertRefused(ErrorCode.INVALID_PRODUCER_EPOCH, Batches.idempotent(1, (short) 0, 5, 1), "older than");
    }

    @Test
    void retriedBatchReturnsOriginalOffsets() throws IOException {
        LogAppendResult first = log.appendAsLeader(Batches.idempotent(9, (short) 2, 0, 2), 0);
        log.appendAsLeader(Batches.idempotent(9, (short) 2, 2, 2), 0);
        long end = log.logEndOffset();
        LogAppendResult retry = log.appendAsLeader(Batches.idempotent(9, (short) 2, 0, 2), 0);
        assertTrue(retry.duplicate());
        assertEquals(first.firstOffset(), retry.firstOffset());
        assertEquals(first.lastOffset(), retry.lastOffset());
        assertEquals(end, log.logEndOffset(), "nothing written for a duplicate");
        assertRefused(ErrorCode.DUPLICATE_SEQUENCE_NUMBER,
                Batches.concat(Batches.idempotent(9, (short) 2, 2, 2), Batches.idempotent(9, (short) 2, 4, 1)), "already written");
    }

    @Test
    void sequencesWithinOneRequestMustChain() throws IOException {
        assertRefused(ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER,
                Batches.concat(Batches.idempotent(4, (short) 0, 0, 2), Batches.idempotent(4, (short) 0, 3, 1)), "2 was expected");
        LogAppendResult ok = log.appendAsLeader(
                Batches.concat(Batches.idempotent(4, (short) 0, 0, 2), Batches.idempotent(4, (short) 0, 2, 1)), 0);
        assertTrue(ok.succeeded());
        assertFalse(ok.duplicate());
        assertEquals(3, ok.lastOffset() - ok.firstOffset() + 1);
    }
}
