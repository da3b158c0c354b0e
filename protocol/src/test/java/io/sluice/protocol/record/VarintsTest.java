package io.sluice.protocol.record;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(10)
class VarintsTest {
    private static final HexFormat HEX = HexFormat.of();

    /** Expected bytes from the zig-zag + base-128 definition, worked out by hand. */
    @Test
    void encodesKnownVectors() {
        assertVarint(0, "00");
        assertVarint(-1, "01");
        assertVarint(1, "02");
        assertVarint(-64, "7f");
        assertVarint(64, "8001");
        assertVarint(300, "d804");
        assertVarint(Integer.MAX_VALUE, "feffffff0f");
        assertVarint(Integer.MIN_VALUE, "ffffffff0f");
    }

    @Test
    void varlongRoundTripsExtremes() {
        Random random = new Random(42);
        long[] values = {0, -1, Long.MAX_VALUE, Long.MIN_VALUE, 1L << 40, random.nextLong()};
        for (long v : values) {
            ByteBuffer buf = ByteBuffer.allocate(10);
            Varints.writeVarlong(v, buf);
            assertEquals(Varints.sizeOfVarlong(v), buf.position());
            buf.flip();
            assertEquals(v, Varints.readVarlong(buf));
        }
    }

    /** Every size boundary (each power of two and its neighbours, both signs) agrees with the encoder. */
    @Test
    void sizesMatchTheEncodingAtEveryBoundary() {
        for (int bit = 0; bit < 64; bit++) {
            for (long base : new long[] {1L << bit, -(1L << bit)}) {
                for (long v = base - 1; v <= base + 1; v++) {
                    ByteBuffer buf = ByteBuffer.allocate(10);
                    Varints.writeVarlong(v, buf);
                    assertEquals(buf.position(), Varints.sizeOfVarlong(v), "varlong " + v);
                    if (v == (int) v) {
                        buf.clear();
                        Varints.writeVarint((int) v, buf);
                        assertEquals(buf.position(), Varints.sizeOfVarint((int) v), "varint " + v);
                    }
                }
            }
        }
    }

    @Test
    void rejectsOverlongVarint() {
        ByteBuffer buf = ByteBuffer.wrap(HEX.parseHex("ffffffffff01"));
        assertThrows(CorruptRecordException.class, () -> Varints.readVarint(buf));
    }

    private static void assertVarint(int value, String hex) {
        ByteBuffer buf = ByteBuffer.allocate(5);
        Varints.writeVarint(value, buf);
        assertArrayEquals(HEX.parseHex(hex), Arrays.copyOf(buf.array(), buf.position()), "encoding of " + value);
        assertEquals(hex.length() / 2, Varints.sizeOfVarint(value));
        assertEquals(value, Varints.readVarint(ByteBuffer.wrap(HEX.parseHex(hex))));
    }
}
