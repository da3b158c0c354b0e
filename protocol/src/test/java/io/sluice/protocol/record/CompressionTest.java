package io.sluice.protocol.record;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.nio.ByteBuffer;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

@Timeout(20)
class CompressionTest {
    private static final HexFormat HEX = HexFormat.of();

    @ParameterizedTest
    @EnumSource(CompressionType.class)
    void roundTripsManyRecords(CompressionType type) {
        Random random = new Random(7);
        RecordBatchBuilder builder = new RecordBatchBuilder(type).baseOffset(1000);
        byte[][] values = new byte[500][];
        for (int i = 0; i < values.length; i++) {
            values[i] = new byte[random.nextInt(300)];
            random.nextBytes(values[i]);
            // Half-repetitive values so that every codec has something to compress.
            if (i % 2 == 0) {
                java.util.Arrays.fill(values[i], (byte) 'z');
            }
            builder.append(1_000L + i, ("key-" + i).getBytes(UTF_8), values[i], new Header("i", new byte[] {(byte) i}));
        }
        RecordBatch batch = RecordBatch.wrap(builder.build());
        batch.ensureValid();
        assertEquals(type, batch.compressionType());
        assertEquals(499, batch.lastOffsetDelta());
        assertEquals(1_499L, batch.maxTimestamp());
        List<Record> records = batch.recordList();
        assertEquals(values.length, records.size());
        for (int i = 0; i < values.length; i++) {
            Record r = records.get(i);
            assertEquals(1000L + i, r.offset());
            assertEquals(1000L + i, r.timestamp());
            assertEquals("key-" + i, RecordBatchTest.utf8(r.key()));
            assertArrayEquals(values[i], RecordBatchTest.toArray(r.value()));
            assertEquals((byte) i, r.headers().get(0).value()[0]);
        }
    }

    /** The records section starts with each format's published magic bytes. */
    @ParameterizedTest
    @EnumSource(value = CompressionType.class, names = {"GZIP", "SNAPPY", "LZ4", "ZSTD"})
    void sectionUsesTheStandardFraming(CompressionType type) {
        ByteBuffer buf = new RecordBatchBuilder(type).append(1, null, new byte[100]).build();
        String expectedMagic = switch (type) {
            case GZIP -> "1f8b";
            case SNAPPY -> "82534e4150505900"; // xerial: 0x82 "SNAPPY" 0x00
            case LZ4 -> "04224d18";            // LZ4 frame magic 0x184D2204, little endian
            case ZSTD -> "28b52ffd";           // zstd frame magic 0xFD2FB528, little endian
            default -> throw new AssertionError(type);
        };
        byte[] head = new byte[expectedMagic.length() / 2];
        buf.get(RecordBatch.RECORDS_OFFSET, head);
        assertEquals(expectedMagic, HEX.formatHex(head));
    }

    /** A section compressed by the JDK's own gzip (not our builder) is read back. */
    @Test
    void readsSectionCompressedElsewhere() throws Exception {
        byte[] raw = HEX.parseHex("12" + "00" + "00" + "00" + "02" + "61" + "04" + "6263" + "00");
        java.io.ByteArrayOutputStream compressed = new java.io.ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(compressed)) {
            gz.write(raw);
        }
        byte[] section = compressed.toByteArray();
        ByteBuffer buf = ByteBuffer.allocate(RecordBatch.HEADER_SIZE + section.length);
        buf.putLong(0).putInt(buf.capacity() - 12).putInt(0).put((byte) 2).putInt(0).putShort((short) 1)
                .putInt(0).putLong(5).putLong(5).putLong(-1).putShort((short) -1).putInt(-1).putInt(1).put(section);
        buf.putInt(RecordBatch.CRC_OFFSET, (int) RecordBatch.crc32c(buf, RecordBatch.ATTRIBUTES_OFFSET, buf.capacity()));
        RecordBatch batch = RecordBatch.wrap(buf.flip());
        batch.ensureValid();
        Record r = batch.recordList().get(0);
        assertEquals("bc", RecordBatchTest.utf8(r.value()));
    }

    @Test
    void garbageSectionIsCorrupt() {
        ByteBuffer buf = new RecordBatchBuilder(CompressionType.ZSTD).append(1, null, new byte[100]).build();
        buf.put(RecordBatch.RECORDS_OFFSET + 6, (byte) 0x55);
        buf.put(RecordBatch.RECORDS_OFFSET + 7, (byte) 0x55);
        RecordBatch batch = RecordBatch.wrap(buf);
        assertThrows(CorruptRecordException.class, () -> batch.recordList());
    }

    @Test
    void namesAndIds() throws Exception {
        for (CompressionType t : CompressionType.values()) {
            assertEquals(t, CompressionType.forId(t.id()));
            assertEquals(t, CompressionType.forName(t.configName()));
        }
        CorruptRecordException e = assertThrows(CorruptRecordException.class, () -> CompressionType.forId(5));
        assertTrue(e.getMessage().contains("5"));
        try (InputStream in = CompressionType.NONE.wrapForInput(InputStream.nullInputStream())) {
            assertEquals(-1, in.read());
        }
    }
}
