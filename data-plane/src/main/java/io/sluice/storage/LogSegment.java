package io.sluice.storage;

import io.sluice.protocol.record.RecordBatch;
import io.sluice.protocol.record.RecordCursor;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * One segment of a partition log: {@code <base offset>.log} holding batches byte for byte, with a
 * sparse {@link OffsetIndex} ({@code .index}) and {@link TimeIndex} ({@code .timeindex}). The base
 * offset, zero-padded to 20 digits, is the offset of the first batch and names all three files.
 * An index entry is added for a batch when more than {@code index.interval.bytes} were written
 * since the previous entry.
 *
 * <p>Thread-safety: mutations (append, truncate, recover, flush of indexes) are made by one thread
 * at a time, serialized by the owning {@link PartitionLog}. Reads ({@link #read}, lookups) may run
 * concurrently with appends: they use positional reads and see only bytes below the size they
 * were given, which the owner published after the bytes were written.
 */
final class LogSegment implements AutoCloseable {
    static final String LOG_SUFFIX = ".log";
    static final String INDEX_SUFFIX = ".index";
    static final String TIME_INDEX_SUFFIX = ".timeindex";

    private final long baseOffset;
    private final Path logFile;
    private final FileAccess.StorageFile file;
    /** The file's JDK channel: reads and zero-copy transfers (writes go through {@link #file}). */
    private final FileChannel channel;
    private final OffsetIndex offsetIndex;
    private final TimeIndex timeIndex;
    private final int indexIntervalBytes;
    private volatile long firstAppendMs;

    private volatile int size;
    private volatile long nextOffset;
    private volatile long maxTimestamp = RecordBatch.NO_TIMESTAMP;
    private int bytesSinceLastIndexEntry;
    /** Where the last read ended: consumers and followers usually fetch from there next. */
    private volatile ReadHint readHint = ReadHint.NONE;
    /** Bumped by truncation, so that a hint computed before it is never used after it. */
    private volatile int generation;
    private volatile boolean indexesFlushed;
    private boolean needsRecovery;

    private LogSegment(Path dir, long baseOffset, LogConfig config, long nowMs, FileAccess files) throws IOException {
        this.baseOffset = baseOffset;
        this.logFile = dir.resolve(fileName(baseOffset, LOG_SUFFIX));
        this.file = files.open(logFile);
        this.channel = file.channel();
        this.offsetIndex = new OffsetIndex(dir.resolve(fileName(baseOffset, INDEX_SUFFIX)), baseOffset,
                config.segmentIndexBytes());
        this.timeIndex = new TimeIndex(dir.resolve(fileName(baseOffset, TIME_INDEX_SUFFIX)), baseOffset,
                config.segmentIndexBytes() / OffsetIndex.ENTRY_SIZE * TimeIndex.ENTRY_SIZE);
        this.indexIntervalBytes = config.indexIntervalBytes();
        this.size = (int) Math.min(channel.size(), Integer.MAX_VALUE);
        // segment.ms counts from the first append; for data found on disk, from when it was opened.
        this.firstAppendMs = size > 0 ? nowMs : -1;
        this.nextOffset = baseOffset;
    }

    /** Creates an empty segment (its files must not hold data). */
    static LogSegment create(Path dir, long baseOffset, LogConfig config, long nowMs, FileAccess files)
            throws IOException {
        LogSegment segment = new LogSegment(dir, baseOffset, config, nowMs, files);
        segment.file.truncate(0);
        segment.size = 0;
        segment.firstAppendMs = -1;
        segment.offsetIndex.reset();
        segment.timeIndex.reset();
        return segment;
    }

    /**
     * Opens an existing segment. One below the recovery point is trusted up to its file size: its
     * indexes are checked and the tail after the last index entry is scanned for the next offset
     * and max timestamp. If that fails, or the segment is not trusted, {@link #needsRecovery()} is
     * true and the caller must {@link #recover} it, which also rebuilds the indexes.
     */
    static LogSegment open(Path dir, long baseOffset, LogConfig config, long nowMs, boolean trusted, FileAccess files)
            throws IOException {
        boolean indexMissing = !Files.exists(dir.resolve(fileName(baseOffset, INDEX_SUFFIX)))
                || !Files.exists(dir.resolve(fileName(baseOffset, TIME_INDEX_SUFFIX)));
        LogSegment segment = new LogSegment(dir, baseOffset, config, nowMs, files);
        segment.needsRecovery = !trusted || indexMissing
                || segment.timeIndex.entries() != segment.offsetIndex.entries()
                || !segment.timeIndex.isConsistent(Integer.MAX_VALUE)
                || !segment.offsetIndex.isConsistent(Long.MAX_VALUE, segment.size)
                || !segment.scanTail();
        segment.indexesFlushed = !segment.needsRecovery;
        return segment;
    }

    boolean needsRecovery() {
        return needsRecovery;
    }

    static String fileName(long offset, String suffix) {
        return String.format("%020d", offset) + suffix;
    }

    /** Reads headers from the last index entry to the end; false if they do not chain up. */
    private boolean scanTail() throws IOException {
        int n = offsetIndex.entries();
        int pos = n == 0 ? 0 : offsetIndex.position(n - 1);
        long next = n == 0 ? baseOffset : offsetIndex.offset(n - 1);
        long maxTs = timeIndex.lastTimestamp();
        ByteBuffer scratch = BatchHeader.scratch();
        while (pos < size) {
            BatchHeader h = BatchHeader.read(channel, scratch, pos, size);
            if (h == null || h.baseOffset() < next || h.lastOffset() < h.baseOffset()) {
                return false;
            }
            next = h.lastOffset() + 1;
            maxTs = Math.max(maxTs, h.maxTimestamp());
            pos = h.end();
        }
        bytesSinceLastIndexEntry = size - (n == 0 ? 0 : offsetIndex.position(n - 1));
        nextOffset = next;
        maxTimestamp = maxTs;
        return true;
    }

    /**
     * Scans the whole segment, validating every batch; rebuilds both indexes and truncates the file
     * after the last valid batch. Each valid batch is handed to {@code onBatch} (producer state,
     * epoch cache). Returns what was dropped.
     */
    SegmentScanner.Result recover(long expectedFirstOffset, SegmentScanner.BatchConsumer onBatch) throws IOException {
        offsetIndex.reset();
        timeIndex.reset();
        bytesSinceLastIndexEntry = 0;
        maxTimestamp = RecordBatch.NO_TIMESTAMP;
        nextOffset = baseOffset;
        SegmentScanner.Result result = SegmentScanner.scan(channel, expectedFirstOffset, (batch, position) -> {
            indexBatch(batch.baseOffset(), batch.maxTimestamp(), position, batch.sizeInBytes());
            nextOffset = batch.nextOffset();
            onBatch.accept(batch, position);
        });
        if (result.droppedBytes() > 0) {
            file.truncate(result.validBytes());
        }
        size = result.validBytes();
        needsRecovery = false;
        return result;
    }

    /**
     * Appends already validated batches (with final offsets) at the end of the file. Does not
     * fsync. The caller publishes the new end through its own state afterwards.
     */
    void append(ByteBuffer buffer, List<RecordBatch> batches, long nowMs) throws IOException {
        int start = size;
        if (firstAppendMs < 0) {
            firstAppendMs = nowMs;
        }
        file.write(buffer.duplicate(), start);
        int batchPos = start;
        for (RecordBatch batch : batches) {
            indexBatch(batch.baseOffset(), batch.maxTimestamp(), batchPos, batch.sizeInBytes());
            batchPos += batch.sizeInBytes();
        }
        nextOffset = batches.get(batches.size() - 1).nextOffset();
        size = batchPos;
    }

    private void indexBatch(long batchBaseOffset, long batchMaxTimestamp, int position, int batchSize) {
        if (position > 0 && bytesSinceLastIndexEntry > indexIntervalBytes && !offsetIndex.isFull()
                && !timeIndex.isFull()) {
            offsetIndex.append(batchBaseOffset, position);
            timeIndex.append(maxTimestamp, batchBaseOffset);
            bytesSinceLastIndexEntry = 0;
        }
        bytesSinceLastIndexEntry += batchSize;
        if (batchMaxTimestamp > maxTimestamp) {
            maxTimestamp = batchMaxTimestamp;
        }
    }

    /**
     * The first batch whose last offset is &gt;= {@code offset}, among the bytes below {@code limit};
     * null if there is none.
     */
    BatchHeader findBatch(long offset, int limit, ByteBuffer scratch) throws IOException {
        ReadHint hint = readHint;
        boolean useHint = hint.offset() == offset && hint.generation() == generation && hint.position() <= limit;
        int pos = useHint ? hint.position() : offsetIndex.lookup(offset);
        while (pos < limit) {
            BatchHeader h = BatchHeader.read(channel, scratch, pos, limit);
            if (h == null) {
                return null;
            }
            if (h.lastOffset() >= offset) {
                return h;
            }
            pos = h.end();
        }
        return null;
    }

    /**
     * Whole batches from the one holding {@code offset}: at least that one, then more while the
     * total stays within {@code maxBytes}; only batches whose last offset is below
     * {@code maxOffsetExclusive}; only bytes below {@code limit}. Null if nothing qualifies.
     */
    LogReadResult.FileRange read(long offset, int maxBytes, long maxOffsetExclusive, int limit) throws IOException {
        int readGeneration = generation;
        ByteBuffer scratch = BatchHeader.scratch();
        BatchHeader first = findBatch(offset, limit, scratch);
        if (first == null || first.lastOffset() >= maxOffsetExclusive) {
            return null;
        }
        BatchHeader last = first;
        int end = first.end();
        // Stop without reading a header that could not fit anyway.
        while (end < limit && end - first.position() + RecordBatch.HEADER_SIZE <= maxBytes) {
            BatchHeader next = BatchHeader.read(channel, scratch, end, limit);
            if (next == null || next.lastOffset() >= maxOffsetExclusive || next.end() - first.position() > maxBytes) {
                break;
            }
            last = next;
            end = next.end();
        }
        readHint = new ReadHint(last.lastOffset() + 1, end, readGeneration);
        return new LogReadResult.FileRange(channel, first.position(), end - first.position(),
                first.baseOffset(), last.lastOffset());
    }

    /**
     * The first record at or after {@code minOffset} with timestamp &gt;= {@code timestamp}, as
     * {offset, timestamp}; null if none below {@code limit}. Decompresses at most the batches it
     * inspects.
     */
    long[] findOffsetByTimestamp(long timestamp, long minOffset, int limit) throws IOException {
        if (maxTimestamp < timestamp) {
            return null;
        }
        long startOffset = Math.max(minOffset, timeIndex.lookup(timestamp));
        ByteBuffer scratch = BatchHeader.scratch();
        BatchHeader h = findBatch(startOffset, limit, scratch);
        while (h != null) {
            if (h.maxTimestamp() >= timestamp) {
                ByteBuffer bytes = readFully(h.position(), h.size());
                RecordCursor cursor = RecordBatch.wrap(bytes, 0).records();
                while (cursor.next()) {
                    if (cursor.offset() >= minOffset && cursor.timestamp() >= timestamp) {
                        return new long[] {cursor.offset(), cursor.timestamp()};
                    }
                }
            }
            h = BatchHeader.read(channel, scratch, h.end(), limit);
        }
        return null;
    }

    /** Visits the header of every batch below the current size, in order. */
    void forEachBatchHeader(java.util.function.Consumer<BatchHeader> visitor) throws IOException {
        ByteBuffer scratch = BatchHeader.scratch();
        int limit = size;
        int pos = 0;
        BatchHeader h;
        while ((h = BatchHeader.read(channel, scratch, pos, limit)) != null) {
            visitor.accept(h);
            pos = h.end();
        }
    }

    ByteBuffer readFully(int position, int length) throws IOException {
        ByteBuffer buf = ByteBuffer.allocate(length);
        while (buf.hasRemaining()) {
            if (channel.read(buf, position + buf.position()) < 0) {
                throw new IOException(logFile + " ends before position " + (position + length));
            }
        }
        return buf.flip();
    }

    /**
     * Removes the batch holding {@code offset} and all after it. Returns the bytes removed; the
     * segment's next offset becomes the removed batch's base offset.
     */
    int truncateTo(long offset) throws IOException {
        BatchHeader h = findBatch(offset, size, BatchHeader.scratch());
        if (h == null) {
            return 0;
        }
        int removed = size - h.position();
        generation++;
        offsetIndex.truncateTo(h.baseOffset());
        timeIndex.truncateTo(h.baseOffset());
        size = h.position();
        file.truncate(h.position());
        nextOffset = h.baseOffset();
        indexesFlushed = false;
        scanTail();
        return removed;
    }

    /** fsyncs the log file, and the indexes the first time after the segment stopped being active. */
    void flush(boolean active) throws IOException {
        file.force(false);
        if (!active && !indexesFlushed) {
            offsetIndex.flush();
            timeIndex.flush();
            indexesFlushed = true;
        }
    }

    long baseOffset() {
        return baseOffset;
    }

    int size() {
        return size;
    }

    long nextOffset() {
        return nextOffset;
    }

    long maxTimestamp() {
        return maxTimestamp;
    }

    /** How long ago the first batch was appended (0 while empty): what {@code segment.ms} limits. */
    long ageMs(long nowMs) {
        long first = firstAppendMs;
        return first < 0 ? 0 : nowMs - first;
    }

    long lastModifiedMs() throws IOException {
        return Files.getLastModifiedTime(logFile).toMillis();
    }

    boolean isIndexFull() {
        return offsetIndex.isFull() || timeIndex.isFull();
    }

    Path logFile() {
        return logFile;
    }

    FileChannel channel() {
        return channel;
    }

    @Override
    public void close() throws IOException {
        offsetIndex.close();
        timeIndex.close();
        file.close();
    }

    /** Closes and removes the three files. */
    void delete() throws IOException {
        close();
        Files.deleteIfExists(logFile);
        offsetIndex.delete();
        timeIndex.delete();
    }

    /** A batch boundary: no batch before {@code position} holds {@code offset} or later ones. */
    private record ReadHint(long offset, int position, int generation) {
        static final ReadHint NONE = new ReadHint(-1, 0, -1);
    }

    @Override
    public String toString() {
        return "LogSegment(" + logFile.getFileName() + ", size=" + size + ", next=" + nextOffset + ")";
    }
}
