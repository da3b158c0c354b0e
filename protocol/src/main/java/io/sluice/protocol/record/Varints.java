package io.sluice.protocol.record;

import java.nio.ByteBuffer;

/**
 * Zig-zag variable-length integers as used inside RecordBatch v2 records (the protobuf encoding:
 * seven bits per byte, least significant group first, high bit set on every byte but the last).
 *
 * <p>Stateless and thread-safe. Reads use relative gets, so the buffer's position advances past the
 * value; a malformed value (more than 5 bytes for an int, 10 for a long) throws
 * {@link CorruptRecordException} rather than silently wrapping.
 */
public final class Varints {
    private Varints() {
    }

    public static int readVarint(ByteBuffer buf) {
        int raw = 0;
        int shift = 0;
        while (true) {
            if (shift > 28) {
                throw new CorruptRecordException("varint longer than 5 bytes");
            }
            byte b = buf.get();
            raw |= (b & 0x7f) << shift;
            if ((b & 0x80) == 0) {
                break;
            }
            shift += 7;
        }
        return (raw >>> 1) ^ -(raw & 1);
    }

    public static long readVarlong(ByteBuffer buf) {
        long raw = 0;
        int shift = 0;
        while (true) {
            if (shift > 63) {
                throw new CorruptRecordException("varlong longer than 10 bytes");
            }
            byte b = buf.get();
            raw |= (long) (b & 0x7f) << shift;
            if ((b & 0x80) == 0) {
                break;
            }
            shift += 7;
        }
        return (raw >>> 1) ^ -(raw & 1);
    }

    public static void writeVarint(int value, ByteBuffer buf) {
        int v = (value << 1) ^ (value >> 31);
        while ((v & ~0x7f) != 0) {
            buf.put((byte) ((v & 0x7f) | 0x80));
            v >>>= 7;
        }
        buf.put((byte) v);
    }

    public static void writeVarlong(long value, ByteBuffer buf) {
        long v = (value << 1) ^ (value >> 63);
        while ((v & ~0x7fL) != 0) {
            buf.put((byte) ((v & 0x7f) | 0x80));
            v >>>= 7;
        }
        buf.put((byte) v);
    }

    public static int sizeOfVarint(int value) {
        int v = (value << 1) ^ (value >> 31);
        // 7 payload bits per byte: ceil(significant bits / 7), with at least one byte for zero.
        return (38 - Integer.numberOfLeadingZeros(v | 1)) / 7;
    }

    public static int sizeOfVarlong(long value) {
        long v = (value << 1) ^ (value >> 63);
        return (70 - Long.numberOfLeadingZeros(v | 1L)) / 7;
    }
}
