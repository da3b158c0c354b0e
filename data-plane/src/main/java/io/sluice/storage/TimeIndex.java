package io.sluice.storage;

import java.io.IOException;
import java.nio.file.Path;

/**
 * Sparse map from time to offset within one segment: entries of (timestamp int64, relative offset
 * int32) meaning "every batch before this offset has a max timestamp &lt;= timestamp". Timestamps
 * are the running maximum, so entries are sorted by both fields. Thread-safety as {@link
 * MappedIndex}.
 */
final class TimeIndex extends MappedIndex {
    static final int ENTRY_SIZE = 12;

    TimeIndex(Path file, long baseOffset, int maxIndexBytes) throws IOException {
        super(file, baseOffset, maxIndexBytes, ENTRY_SIZE);
    }

    @Override
    protected int relativeOffset(int i) {
        return mmap.getInt(slot(i) + 8);
    }

    long timestamp(int i) {
        return mmap.getLong(slot(i));
    }

    long offset(int i) {
        return baseOffset + relativeOffset(i);
    }

    void append(long maxTimestampBefore, long offset) {
        int i = entries();
        mmap.putLong(slot(i), maxTimestampBefore);
        mmap.putInt(slot(i) + 8, (int) (offset - baseOffset));
        publishAppended();
    }

    /**
     * An offset from which a scan for the first batch with max timestamp &gt;= {@code timestamp}
     * can start: the last entry whose batches before it are all older; the base offset if none.
     */
    long lookup(long timestamp) {
        int i = floorSlot(this::timestamp, timestamp - 1);
        return i < 0 ? baseOffset : offset(i);
    }

    void truncateTo(long offset) {
        int keep = floorSlot(this::offset, offset - 1) + 1;
        truncateToEntries(keep);
    }

    /** The newest timestamp recorded, or -1. */
    long lastTimestamp() {
        int n = entries();
        return n == 0 ? -1 : timestamp(n - 1);
    }
}
