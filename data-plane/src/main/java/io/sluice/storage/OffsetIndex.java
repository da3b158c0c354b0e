package io.sluice.storage;

import java.io.IOException;
import java.nio.file.Path;

/**
 * Sparse map from offset to file position within one segment: entries of (relative offset int32,
 * position int32), where the offset is a batch's base offset. Used to start a scan close to a
 * wanted offset. Thread-safety as {@link MappedIndex}.
 */
final class OffsetIndex extends MappedIndex {
    static final int ENTRY_SIZE = 8;

    OffsetIndex(Path file, long baseOffset, int maxIndexBytes) throws IOException {
        super(file, baseOffset, maxIndexBytes, ENTRY_SIZE);
    }

    @Override
    protected int relativeOffset(int i) {
        return mmap.getInt(slot(i));
    }

    int position(int i) {
        return mmap.getInt(slot(i) + 4);
    }

    long offset(int i) {
        return baseOffset + relativeOffset(i);
    }

    void append(long offset, int position) {
        int i = entries();
        mmap.putInt(slot(i), (int) (offset - baseOffset));
        mmap.putInt(slot(i) + 4, position);
        publishAppended();
    }

    /** The position of the last indexed batch starting at or before {@code offset}; 0 if none. */
    int lookup(long offset) {
        int i = floorSlot(this::offset, offset);
        return i < 0 ? 0 : position(i);
    }

    /** Drops the entries of batches at or after {@code offset}. */
    void truncateTo(long offset) {
        int keep = floorSlot(this::offset, offset - 1) + 1;
        truncateToEntries(keep);
    }

    /** Whether entries are increasing and point inside a log file of {@code logSize} bytes. */
    boolean isConsistent(long maxOffset, int logSize) {
        if (!isConsistent(maxOffset - baseOffset)) {
            return false;
        }
        int prev = 0;
        for (int i = 0; i < entries(); i++) {
            int pos = position(i);
            if (pos <= prev || pos >= logSize) {
                return false;
            }
            prev = pos;
        }
        return true;
    }
}
