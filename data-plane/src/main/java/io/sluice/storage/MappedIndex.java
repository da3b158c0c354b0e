package io.sluice.storage;

import java.io.IOException;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * A fixed-capacity, memory-mapped file of fixed-size entries, sorted by a relative offset stored in
 * each entry. The file is created at full capacity (sparse) and never trimmed; the entry count is
 * recovered from content: every valid entry has a relative offset &gt; 0 (the first batch of a
 * segment never gets an entry), so entries are the prefix of non-zero slots. Truncation zeroes the
 * slots it drops so that the prefix rule keeps holding.
 *
 * <p>Thread-safety: one writer (the log's appender, under the log's lock) and any number of
 * concurrent readers. Writers fill a slot before publishing the new count through a volatile
 * field, and readers only look at slots below the count they read.
 */
abstract class MappedIndex implements AutoCloseable {
    protected final Path file;
    protected final long baseOffset;
    protected final MappedByteBuffer mmap;
    private final int entrySize;
    private final int maxEntries;
    private volatile int entries;

    MappedIndex(Path file, long baseOffset, int maxIndexBytes, int entrySize) throws IOException {
        this.file = file;
        this.baseOffset = baseOffset;
        this.entrySize = entrySize;
        this.maxEntries = Math.max(1, maxIndexBytes / entrySize);
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ,
                StandardOpenOption.WRITE)) {
            this.mmap = ch.map(FileChannel.MapMode.READ_WRITE, 0, (long) maxEntries * entrySize);
        }
        this.entries = countEntries();
    }

    /** The relative offset stored in slot {@code i}. */
    protected abstract int relativeOffset(int i);

    private int countEntries() {
        int lo = 0;
        int hi = maxEntries; // invariant: slots below lo are valid, slots at or above hi are not
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (relativeOffset(mid) > 0) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo;
    }

    int entries() {
        return entries;
    }

    boolean isFull() {
        return entries >= maxEntries;
    }

    protected int slot(int i) {
        return i * entrySize;
    }

    /** Publishes one more entry after the subclass has written slot {@code entries()}. */
    protected void publishAppended() {
        entries = entries + 1;
    }

    /** Whether the entries are strictly increasing in relative offset and within {@code limit}. */
    boolean isConsistent(long maxRelativeOffset) {
        int prev = 0;
        for (int i = 0; i < entries; i++) {
            int rel = relativeOffset(i);
            if (rel <= prev || rel > maxRelativeOffset) {
                return false;
            }
            prev = rel;
        }
        return true;
    }

    /** Keeps the first {@code n} entries, zeroing the rest. */
    void truncateToEntries(int n) {
        int old = entries;
        if (n >= old) {
            return;
        }
        entries = n;
        for (int pos = slot(n); pos < slot(old); pos++) {
            mmap.put(pos, (byte) 0);
        }
    }

    /** Drops every entry (used before rebuilding from the log). */
    void reset() {
        truncateToEntries(0);
    }

    /** Index of the last entry whose key is &lt;= target (per {@code compare}), or -1. */
    protected int floorSlot(java.util.function.IntToLongFunction keyAt, long target) {
        int lo = 0;
        int hi = entries - 1;
        int found = -1;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            if (keyAt.applyAsLong(mid) <= target) {
                found = mid;
                lo = mid + 1;
            } else {
                hi = mid - 1;
            }
        }
        return found;
    }

    /** Writes dirty pages to disk. */
    void flush() {
        mmap.force();
    }

    Path file() {
        return file;
    }

    @Override
    public void close() {
        // The mapping is released by the garbage collector; the JDK offers no supported unmap.
    }

    void delete() throws IOException {
        Files.deleteIfExists(file);
    }
}
