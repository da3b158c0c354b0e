package io.sluice.storage;

import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * The log cleaner's map of record key to the latest offset seen for it, as Kafka's
 * {@code SkimpyOffsetMap}: keys are stored as their 128-bit MD5 digest in open-addressing arrays
 * of fixed size, so memory is bounded ({@value #BYTES_PER_SLOT} bytes per slot, filled to 75%) and
 * independent of key sizes. Two keys with the same digest would count as one (probability about
 * n^2 / 2^129; accepted, as in Kafka).
 *
 * <p>Not thread-safe: one cleaner thread owns one map and {@link #clear()}s it between passes.
 */
final class OffsetMap {
    static final int BYTES_PER_SLOT = 24;
    private final long[] hi;
    private final long[] lo;
    private final long[] offsets;
    private final int mask;
    private final int maxEntries;
    private final MessageDigest md5;
    private int entries;

    /** A map using about {@code memoryBytes} (at least 1024 slots). */
    OffsetMap(long memoryBytes) {
        long slots = Long.highestOneBit(Math.max(1024, Math.min(1L << 30, memoryBytes / BYTES_PER_SLOT)));
        hi = new long[(int) slots];
        lo = new long[(int) slots];
        offsets = new long[(int) slots];
        java.util.Arrays.fill(offsets, -1);
        mask = (int) slots - 1;
        maxEntries = (int) (slots * 3 / 4);
        try {
            md5 = MessageDigest.getInstance("MD5");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK always has MD5", e);
        }
    }

    /** Records {@code offset} as the latest for {@code key} (read from position to limit, not modified). */
    void put(ByteBuffer key, long offset) {
        byte[] d = digest(key);
        long h = getLong(d, 0);
        long l = getLong(d, 8);
        int slot = find(h, l);
        if (offsets[slot] < 0) {
            if (entries >= maxEntries) {
                throw new IllegalStateException("offset map full");
            }
            hi[slot] = h;
            lo[slot] = l;
            entries++;
        }
        offsets[slot] = offset;
    }

    /** The latest offset recorded for {@code key}, or -1. */
    long get(ByteBuffer key) {
        byte[] d = digest(key);
        return offsets[find(getLong(d, 0), getLong(d, 8))];
    }

    boolean isFull() {
        return entries >= maxEntries;
    }

    int size() {
        return entries;
    }

    /** How many more keys fit. */
    int remaining() {
        return maxEntries - entries;
    }

    void clear() {
        java.util.Arrays.fill(offsets, -1);
        entries = 0;
    }

    /** The slot holding the digest, or the empty slot where it would go (linear probing). */
    private int find(long h, long l) {
        int slot = (int) (h ^ (h >>> 32)) & mask;
        while (offsets[slot] >= 0 && (hi[slot] != h || lo[slot] != l)) {
            slot = (slot + 1) & mask;
        }
        return slot;
    }

    private byte[] digest(ByteBuffer key) {
        md5.reset();
        md5.update(key.duplicate());
        return md5.digest();
    }

    private static long getLong(byte[] b, int from) {
        long v = 0;
        for (int i = from; i < from + 8; i++) {
            v = (v << 8) | (b[i] & 0xff);
        }
        return v;
    }
}
