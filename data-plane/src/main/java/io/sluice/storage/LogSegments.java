package io.sluice.storage;

import io.sluice.protocol.record.RecordBatch;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.function.Consumer;

/**
 * The segments of one log, ordered by base offset; the last one is the active segment. Lookups
 * that span segments live here: which segment holds an offset, reads that move on to the next
 * segment when one has nothing at or after the offset, timestamp search.
 *
 * <p>Thread-safety: backed by a {@link ConcurrentSkipListMap}, so readers iterate and look up
 * without locks while the owning {@link PartitionLog} adds and removes segments under its lock.
 */
final class LogSegments {
    private final ConcurrentSkipListMap<Long, LogSegment> segments = new ConcurrentSkipListMap<>();

    void add(LogSegment segment) {
        segments.put(segment.baseOffset(), segment);
    }

    void remove(LogSegment segment) {
        segments.remove(segment.baseOffset(), segment);
    }

    /** The segment with this base offset, or null. */
    LogSegment get(long baseOffset) {
        return segments.get(baseOffset);
    }

    boolean isEmpty() {
        return segments.isEmpty();
    }

    int count() {
        return segments.size();
    }

    LogSegment first() {
        return segments.firstEntry().getValue();
    }

    LogSegment last() {
        return segments.lastEntry().getValue();
    }

    /** The segment after {@code segment}, or null if it is the last. */
    LogSegment next(LogSegment segment) {
        Map.Entry<Long, LogSegment> e = segments.higherEntry(segment.baseOffset());
        return e == null ? null : e.getValue();
    }

    /** All segments, oldest first (a snapshot). */
    List<LogSegment> all() {
        return new ArrayList<>(segments.values());
    }

    /** The segment that may hold {@code offset} and all after it (a snapshot). */
    List<LogSegment> from(long offset) {
        Long floor = segments.floorKey(offset);
        return new ArrayList<>((floor == null ? segments : segments.tailMap(floor)).values());
    }

    List<Long> baseOffsets() {
        return new ArrayList<>(segments.keySet());
    }

    long totalBytes() {
        long total = 0;
        for (LogSegment s : segments.values()) {
            total += s.size();
        }
        return total;
    }

    /**
     * Whole batches from the one holding {@code offset}, from a single segment; null when nothing
     * at or after {@code offset} and below {@code bound} is stored. See {@link LogSegment#read}.
     */
    LogReadResult.FileRange read(long offset, int maxBytes, long bound) throws IOException {
        Map.Entry<Long, LogSegment> e = segments.floorEntry(offset);
        while (e != null && offset < bound) {
            LogSegment segment = e.getValue();
            LogReadResult.FileRange range = segment.read(offset, maxBytes, bound, segment.size());
            // Nothing returned although the segment holds offsets at or after this one: they are past
            // the bound. A segment emptied by the log cleaner (size 0) holds none: look further.
            if (range != null || (segment.size() > 0 && offset < segment.nextOffset())) {
                return range;
            }
            e = segments.higherEntry(e.getKey());
        }
        return null;
    }

    /** The largest record timestamp of any segment, -1 ({@code NO_TIMESTAMP}) when no record has one. */
    long maxTimestamp() {
        long max = RecordBatch.NO_TIMESTAMP;
        for (LogSegment segment : segments.values()) {
            max = Math.max(max, segment.maxTimestamp());
        }
        return max;
    }

    /** The first record at or after {@code minOffset}, below {@code end}, with timestamp &gt;= {@code timestamp}. */
    TimestampOffset findByTimestamp(long timestamp, long minOffset, long end) throws IOException {
        for (LogSegment segment : segments.values()) {
            long[] found = segment.findOffsetByTimestamp(timestamp, minOffset, segment.size());
            if (found != null) {
                return found[0] < end ? new TimestampOffset(found[1], found[0]) : null;
            }
        }
        return null;
    }

    /**
     * The oldest segments retention may delete, in order: while the segment's newest record is
     * older than {@code retention.ms} (the file's mtime when records carry no timestamps) or the
     * log without it is still at least {@code retention.bytes}; never the last (active) segment,
     * and only segments wholly below {@code highWatermark}.
     */
    List<LogSegment> retentionCandidates(LogConfig config, long nowMs, long highWatermark) throws IOException {
        List<LogSegment> out = new ArrayList<>();
        long remainingBytes = totalBytes();
        for (LogSegment s : segments.values()) {
            LogSegment next = next(s);
            if (next == null || next.baseOffset() > highWatermark) {
                break;
            }
            long newest = s.maxTimestamp() >= 0 ? s.maxTimestamp() : s.lastModifiedMs();
            boolean expired = config.retentionMs() >= 0 && nowMs - newest > config.retentionMs();
            boolean oversize = config.retentionBytes() >= 0 && remainingBytes - s.size() >= config.retentionBytes();
            if (!expired && !oversize) {
                break;
            }
            out.add(s);
            remainingBytes -= s.size();
        }
        return out;
    }

    void forEachBatchHeader(Consumer<BatchHeader> visitor) throws IOException {
        for (LogSegment s : segments.values()) {
            s.forEachBatchHeader(visitor);
        }
    }

    /** Deletes the segments whose base offset is at or above {@code offset}; returns their bytes. */
    long deleteFrom(long offset) throws IOException {
        long bytes = 0;
        for (LogSegment s : new ArrayList<>(segments.tailMap(offset, true).values())) {
            segments.remove(s.baseOffset());
            bytes += s.size();
            s.delete();
        }
        return bytes;
    }

    void deleteAll() throws IOException {
        deleteFrom(Long.MIN_VALUE);
    }

    void closeAll() throws IOException {
        for (LogSegment s : segments.values()) {
            s.close();
        }
    }
}
