package io.sluice.protocol.record;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(10)
class RecordBatchTest {
    private static final HexFormat HEX = HexFormat.of();
    private static final long T0 = 1_700_000_000_000L; // 0x0000018BCFE56800

    /**
     * Two records written byte by byte from the published v2 layout (not by our encoder): offset 100,
     * leader epoch 7, no producer, CreateTime. Record 0: key "a", value "bc". Record 1: timestamp +5,
     * null key, empty value, one header "h" with a null value. CRC32C of bytes 21..80 is 0x6A547D1F.
     */
    static final String TWO_RECORDS = ""
            + "0000000000000064" // baseOffset 100
            + "00000045"         // batchLength 69 = 81 - 12
            + "00000007"         // partitionLeaderEpoch 7
            + "02"               // magic
            + "6a547d1f"         // crc
            + "0000"             // attributes: none, CreateTime
            + "00000001"         // lastOffsetDelta
            + "0000018bcfe56800" // baseTimestamp
            + "0000018bcfe56805" // maxTimestamp
            + "ffffffffffffffff" // producerId -1
            + "ffff"             // producerEpoch -1
            + "ffffffff"         // baseSequence -1
            + "00000002"         // record count
            + "12" + "00" + "00" + "00" + "02" + "61" + "04" + "6263" + "00"
            + "12" + "00" + "0a" + "02" + "01" + "00" + "02" + "02" + "68" + "01";

    @Test
    void readsHandWrittenVector() {
        RecordBatch batch = RecordBatch.wrap(ByteBuffer.wrap(HEX.parseHex(TWO_RECORDS)));
        assertEquals(81, batch.sizeInBytes());
        assertEquals(100, batch.baseOffset());
        assertEquals(101, batch.lastOffset());
        assertEquals(7, batch.partitionLeaderEpoch());
        assertEquals(CompressionType.NONE, batch.compressionType());
        assertEquals(T0 + 5, batch.maxTimestamp());
        assertFalse(batch.hasProducerId());
        assertTrue(batch.isValid());

        List<Record> records = batch.recordList();
        assertEquals(2, records.size());
        assertEquals(100, records.get(0).offset());
        assertEquals(T0, records.get(0).timestamp());
        assertEquals("a", utf8(records.get(0).key()));
        assertEquals("bc", utf8(records.get(0).value()));
        assertEquals(List.of(), records.get(0).headers());
        assertEquals(101, records.get(1).offset());
        assertEquals(T0 + 5, records.get(1).timestamp());
        assertNull(records.get(1).key());
        assertEquals(0, records.get(1).value().remaining());
        assertEquals(List.of(new Header("h", null)), records.get(1).headers());
    }

    @Test
    void builderProducesTheHandWrittenBytes() {
        ByteBuffer built = new RecordBatchBuilder(CompressionType.NONE)
                .baseOffset(100)
                .partitionLeaderEpoch(7)
                .append(T0, "a".getBytes(UTF_8), "bc".getBytes(UTF_8))
                .append(T0 + 5, (byte[]) null, new byte[0], new Header("h", null))
                .build();
        assertEquals(TWO_RECORDS, HEX.formatHex(built.array(), 0, built.limit()));
    }

    @Test
    void valuesAreSlicesOfTheBatchWhenUncompressed() {
        ByteBuffer buf = ByteBuffer.wrap(HEX.parseHex(TWO_RECORDS));
        RecordCursor cursor = RecordBatch.wrap(buf).records();
        assertTrue(cursor.next());
        ByteBuffer value = cursor.value();
        buf.put(68, (byte) 'X'); // the value's first byte: 61 length, 62 attributes, 63-64 deltas, 65-66 key, 67 value length
        assertEquals('X', value.get(0));
    }

    @Test
    void patchingBaseOffsetAndEpochKeepsCrcValid() {
        ByteBuffer buf = ByteBuffer.wrap(HEX.parseHex(TWO_RECORDS));
        RecordBatch batch = RecordBatch.wrap(buf);
        batch.setBaseOffset(5_000_000_000L);
        batch.setPartitionLeaderEpoch(42);
        batch.ensureValid();
        assertEquals(5_000_000_001L, batch.recordList().get(1).offset());
    }

    @Test
    void flippedByteFailsCrc() {
        byte[] bytes = HEX.parseHex(TWO_RECORDS);
        bytes[75] ^= 0x01;
        RecordBatch batch = RecordBatch.wrap(ByteBuffer.wrap(bytes));
        assertFalse(batch.isValid());
        CorruptRecordException e = assertThrows(CorruptRecordException.class, batch::ensureValid);
        assertTrue(e.getMessage().contains("CRC"), e.getMessage());
    }

    @Test
    void wrongMagicIsReported() {
        byte[] bytes = HEX.parseHex(TWO_RECORDS);
        bytes[RecordBatch.MAGIC_OFFSET] = 1;
        CorruptRecordException e = assertThrows(CorruptRecordException.class,
                () -> RecordBatch.wrap(ByteBuffer.wrap(bytes)).ensureValid());
        assertTrue(e.getMessage().contains("magic 1"), e.getMessage());
    }

    @Test
    void lengthBeyondBufferIsRejected() {
        byte[] bytes = HEX.parseHex(TWO_RECORDS);
        ByteBuffer truncated = ByteBuffer.wrap(bytes, 0, 80).slice();
        assertThrows(CorruptRecordException.class, () -> RecordBatch.wrap(truncated));
        assertThrows(CorruptRecordException.class, () -> RecordBatch.wrap(ByteBuffer.wrap(bytes, 0, 40).slice()));
    }

    @Test
    void recordLengthMismatchIsCorrupt() {
        byte[] bytes = HEX.parseHex(TWO_RECORDS);
        bytes[61] = 0x14; // first record claims 10 body bytes instead of 9
        RecordCursor cursor = RecordBatch.wrap(ByteBuffer.wrap(bytes)).records();
        assertThrows(CorruptRecordException.class, cursor::next);
    }

    @Test
    void idempotentFieldsAndSequenceWrap() {
        ByteBuffer buf = new RecordBatchBuilder(CompressionType.NONE)
                .idempotent(9, (short) 3, Integer.MAX_VALUE)
                .append(T0, null, new byte[1])
                .append(T0, null, new byte[1])
                .build();
        RecordBatch batch = RecordBatch.wrap(buf);
        assertEquals(9, batch.producerId());
        assertEquals(3, batch.producerEpoch());
        assertEquals(Integer.MAX_VALUE, batch.baseSequence());
        assertEquals(0, batch.lastSequence());
    }

    @Test
    void batchesOfSplitsConcatenatedBatches() {
        byte[] one = HEX.parseHex(TWO_RECORDS);
        ByteBuffer two = ByteBuffer.allocate(2 * one.length).put(one).put(one).flip();
        List<RecordBatch> batches = RecordBatch.batchesOf(two);
        assertEquals(2, batches.size());
        assertEquals(81, batches.get(1).position());
        assertArrayEquals(one, toArray(batches.get(1).buffer()));
    }

    static String utf8(ByteBuffer buf) {
        return new String(toArray(buf), UTF_8);
    }

    static byte[] toArray(ByteBuffer buf) {
        byte[] out = new byte[buf.remaining()];
        buf.duplicate().get(out);
        return out;
    }
}
