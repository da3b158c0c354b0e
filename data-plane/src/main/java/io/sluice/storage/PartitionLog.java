package io.sluice.storage;

import io.sluice.protocol.ErrorCode;
import io.sluice.protocol.TopicPartition;
import io.sluice.protocol.record.RecordBatch;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.file.Files;
import java.nio.file.Path;
import io.sluice.protocol.Time;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.locks.ReentrantLock;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The log of one partition replica: a directory {@code <topic>-<partition>/} of {@link LogSegment}s
 * ({@code <20-digit base offset>.log}, {@code .index}, {@code .timeindex}) and a
 * {@code leader-epoch-checkpoint}. The recovery point and high watermark are kept here and
 * checkpointed per data directory by {@link LogManager}.
 *
 * <p>Offsets: {@code logStartOffset <= highWatermark <= logEndOffset}, and
 * {@code durableEndOffset <= logEndOffset} is the end of what survives a crash (fsynced under
 * {@code log.flush.policy=always}; equal to the log end offset under {@code interval}).
 *
 * <p>Thread-safety: appends, truncation, roll and retention are serialized by an internal lock, so
 * callers may append from several threads (batches then land in lock order). Reads
 * ({@link #read}, {@link #offsetForTimestamp}) take no lock and run concurrently with appends; they
 * see the log as of the log end offset they read first. {@link #flush()} fsyncs without holding
 * the append lock, so appends continue during an fsync: that is what makes group commit work.
 */
public final class PartitionLog implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(PartitionLog.class);

    /** {@link #offsetForTimestamp} sentinel: the log start offset (Kafka's EARLIEST_TIMESTAMP). */
    public static final long EARLIEST_TIMESTAMP = -2L;
    /** {@link #offsetForTimestamp} sentinel: the log end offset (Kafka's LATEST_TIMESTAMP). */
    public static final long LATEST_TIMESTAMP = -1L;

    private final Path dir;
    private final TopicPartition tp;
    private final Time clock;
    private final FileAccess files;
    private final FlushRequester flushRequester;
    private final DurabilityListener listener;
    private final LogSegments segments;
    private final LeaderEpochCache epochCache;
    private final ProducerStateManager producers;
    private final ReentrantLock lock = new ReentrantLock();
    private final Object flushLock = new Object();

    private volatile LogConfig config;
    private volatile LogSegment active;
    private volatile long logStartOffset;
    private volatile long logEndOffset;
    private volatile long durableEndOffset;
    private volatile long recoveryPoint;
    private volatile long highWatermark;
    private long truncations; // guarded by lock; a flush that raced a truncation must not advance
    private volatile boolean closed;

    private PartitionLog(Path dir, TopicPartition tp, LogConfig config, Time clock, FileAccess files,
            LogLoader.Loaded loaded, FlushRequester flushRequester, DurabilityListener listener) {
        this.dir = dir;
        this.files = files;
        this.tp = tp;
        this.config = config;
        this.clock = clock;
        this.flushRequester = flushRequester;
        this.listener = listener;
        this.segments = loaded.segments();
        this.epochCache = loaded.epochCache();
        this.producers = loaded.producers();
        this.active = segments.last();
        this.logStartOffset = segments.first().baseOffset();
        this.logEndOffset = active.nextOffset();
    }

    /** Opens a standalone log (no flusher): recovers everything and the caller calls {@link #flush()}. */
    public static PartitionLog open(Path dir, TopicPartition tp, LogConfig config) throws IOException {
        return open(dir, tp, config, Time.SYSTEM, 0, null, null);
    }

    /** Opens a standalone log (no flusher) trusting segments wholly below {@code recoveryPoint}. */
    public static PartitionLog open(Path dir, TopicPartition tp, LogConfig config, Time clock, long recoveryPoint)
            throws IOException {
        return open(dir, tp, config, clock, recoveryPoint, null, null);
    }

    /**
     * Opens (creating if needed) the log in {@code dir}, recovering segments that reach past
     * {@code recoveryPoint}; everything recovered is fsynced before this returns, so afterwards
     * {@code durableEndOffset == recoveryPoint == logEndOffset}.
     *
     * @param flushRequester asked for an fsync after each append under policy {@code always}; null
     *        if the caller calls {@link #flush()} itself
     * @param listener told when the durable end offset advances; may be null
     */
    static PartitionLog open(Path dir, TopicPartition tp, LogConfig config, Time clock, long recoveryPoint,
            FlushRequester flushRequester, DurabilityListener listener) throws IOException {
        return open(dir, tp, config, clock, recoveryPoint, flushRequester, listener, FileAccess.DIRECT);
    }

    /** As above, writing and fsyncing through {@code files}. */
    static PartitionLog open(Path dir, TopicPartition tp, LogConfig config, Time clock, long recoveryPoint,
            FlushRequester flushRequester, DurabilityListener listener, FileAccess files) throws IOException {
        LogLoader.Loaded loaded = LogLoader.load(dir, tp, config, clock.milliseconds(), recoveryPoint, files);
        PartitionLog log = new PartitionLog(dir, tp, config, clock, files, loaded, flushRequester, listener);
        for (LogSegment s : log.segments.from(recoveryPoint)) {
            s.flush(s == log.active);
        }
        log.durableEndOffset = log.logEndOffset;
        log.recoveryPoint = log.logEndOffset;
        log.highWatermark = log.logStartOffset;
        LOG.info("{}: opened with {} segments, offsets [{}, {}), latest epoch {}", tp, log.segments.count(),
                log.logStartOffset, log.logEndOffset, log.epochCache.latestEpoch());
        return log;
    }

    /**
     * Validates and appends batches from a producer. Each batch's base offset and partition leader
     * epoch are overwritten in {@code batches} itself (the caller's buffer, position to limit),
     * which the CRC does not cover, so nothing is re-encoded. On any error nothing is written. A
     * single batch that repeats one already written by the same idempotent producer returns the
     * original offsets with {@code duplicate} set.
     */
    public LogAppendResult appendAsLeader(ByteBuffer batches, int leaderEpoch) throws IOException {
        List<RecordBatch> list;
        try {
            LogConfig cfg = config;
            list = LogValidator.validateForLeader(batches, cfg.maxMessageBytes(), cfg.cleanupPolicy().compact());
        } catch (InvalidBatchException e) {
            return LogAppendResult.failed(e.error(), e.getMessage(), logStartOffset);
        }
        LogAppendResult result;
        lock.lock();
        try {
            ensureOpen();
            if (leaderEpoch < epochCache.latestEpoch()) {
                return LogAppendResult.failed(ErrorCode.FENCED_LEADER_EPOCH, "leader epoch " + leaderEpoch
                        + " is older than this log's latest epoch " + epochCache.latestEpoch(), logStartOffset);
            }
            ProducerStateManager.BatchMetadata duplicate = producers.checkAppend(list);
            if (duplicate != null) {
                return LogAppendResult.duplicateOf(duplicate, logStartOffset);
            }
            long next = logEndOffset;
            long maxTimestamp = RecordBatch.NO_TIMESTAMP;
            for (RecordBatch b : list) {
                b.setBaseOffset(next);
                b.setPartitionLeaderEpoch(leaderEpoch);
                next = b.nextOffset();
                maxTimestamp = Math.max(maxTimestamp, b.maxTimestamp());
            }
            long first = logEndOffset;
            write(batches, list);
            epochCache.assign(leaderEpoch, first);
            result = LogAppendResult.appended(first, next - 1, maxTimestamp, logStartOffset);
        } catch (InvalidBatchException e) {
            return LogAppendResult.failed(e.error(), e.getMessage(), logStartOffset);
        } finally {
            lock.unlock();
        }
        afterAppend();
        return result;
    }

    /**
     * Appends batches copied from the leader, which already carry offsets and epochs: checks
     * their integrity and that offsets increase from the log end, and records new epochs.
     */
    public LogAppendResult appendAsFollower(ByteBuffer batches) throws IOException {
        LogAppendResult result;
        lock.lock();
        try {
            ensureOpen();
            List<RecordBatch> list = LogValidator.validateForFollower(batches, Integer.MAX_VALUE, logEndOffset);
            long maxTimestamp = RecordBatch.NO_TIMESTAMP;
            for (RecordBatch b : list) {
                maxTimestamp = Math.max(maxTimestamp, b.maxTimestamp());
            }
            write(batches, list);
            for (RecordBatch b : list) {
                epochCache.assign(b.partitionLeaderEpoch(), b.baseOffset());
            }
            result = LogAppendResult.appended(list.get(0).baseOffset(), list.get(list.size() - 1).lastOffset(),
                    maxTimestamp, logStartOffset);
        } catch (InvalidBatchException e) {
            return LogAppendResult.failed(e.error(), e.getMessage(), logStartOffset);
        } finally {
            lock.unlock();
        }
        afterAppend();
        return result;
    }

    /** Under the lock: rolls if needed, writes, updates producer state, publishes the new end. */
    private void write(ByteBuffer buffer, List<RecordBatch> list) throws IOException {
        RecordBatch first = list.get(0);
        RecordBatch last = list.get(list.size() - 1);
        long now = clock.milliseconds();
        LogSegment segment = maybeRoll(buffer.remaining(), first.baseOffset(), last.lastOffset(), now);
        segment.append(buffer, list, now);
        for (RecordBatch b : list) {
            producers.update(b);
        }
        logEndOffset = segment.nextOffset();
    }

    private LogSegment maybeRoll(int bytes, long firstOffset, long lastOffset, long now) throws IOException {
        LogSegment segment = active;
        LogConfig cfg = config;
        boolean full = segment.size() > cfg.segmentBytes() - bytes;
        boolean old = segment.ageMs(now) >= cfg.segmentMs();
        boolean offsetOverflow = lastOffset - segment.baseOffset() > Integer.MAX_VALUE;
        if (segment.size() == 0 || !(full || old || offsetOverflow || segment.isIndexFull())) {
            return segment;
        }
        LogSegment next = LogSegment.create(dir, firstOffset, cfg, now, files);
        segments.add(next);
        active = next;
        LOG.info("{}: rolled segment at offset {} ({})", tp, firstOffset,
                full ? "segment.bytes" : old ? "segment.ms" : offsetOverflow ? "offset range" : "index full");
        return next;
    }

    private void afterAppend() {
        if (config.flushPolicy() == LogConfig.FlushPolicy.INTERVAL) {
            if (listener != null) {
                listener.onDurable(tp, logEndOffset);
            }
        } else if (flushRequester != null) {
            flushRequester.requestFlush(this);
        }
    }

    /**
     * fsyncs everything appended so far and advances the durable end offset and recovery point to
     * the log end offset captured at the start; then tells the listener. Appends continue
     * meanwhile and are covered by the next flush. Returns the durable end offset.
     */
    public long flush() throws IOException {
        long durable;
        synchronized (flushLock) {
            long target;
            long generation;
            List<LogSegment> dirty;
            LogSegment current;
            lock.lock();
            try {
                if (closed) {
                    return durableEndOffset;
                }
                target = logEndOffset;
                generation = truncations;
                current = active;
                dirty = segments.from(recoveryPoint);
            } finally {
                lock.unlock();
            }
            if (target <= durableEndOffset && dirty.size() == 1) {
                return durableEndOffset;
            }
            for (LogSegment s : dirty) {
                try {
                    s.flush(s == current);
                } catch (ClosedChannelException e) {
                    // Deleted by retention or truncation meanwhile: nothing left to make durable.
                }
            }
            lock.lock();
            try {
                if (generation == truncations && target > durableEndOffset) {
                    durableEndOffset = target;
                    recoveryPoint = target;
                }
                durable = durableEndOffset;
            } finally {
                lock.unlock();
            }
        }
        if (listener != null) {
            listener.onDurable(tp, durable);
        }
        return durable;
    }

    /**
     * Whole batches from the one holding {@code offset}: at least one even if larger than
     * {@code maxBytes}, none whose last offset is at or above {@code maxOffsetExclusive} (pass the
     * high watermark for consumers, {@link Long#MAX_VALUE} for followers), all from one segment.
     * OFFSET_OUT_OF_RANGE below the log start or above the log end; empty at the log end.
     */
    public LogReadResult read(long offset, int maxBytes, long maxOffsetExclusive) {
        long end = logEndOffset; // first: what we return never goes past this
        long start = logStartOffset;
        long hw = highWatermark;
        if (offset < start || offset > end) {
            return LogReadResult.failed(ErrorCode.OFFSET_OUT_OF_RANGE, "offset " + offset + " is outside ["
                    + start + ", " + end + "] of " + tp, start, end, hw);
        }
        long bound = Math.min(maxOffsetExclusive, end);
        try {
            return new LogReadResult(ErrorCode.NONE, null, segments.read(offset, maxBytes, bound), start, end, hw);
        } catch (IOException ex) {
            if (offset < logStartOffset || closed) {
                return LogReadResult.failed(ErrorCode.OFFSET_OUT_OF_RANGE, "offset " + offset
                        + " was deleted while being read", logStartOffset, logEndOffset, highWatermark);
            }
            return LogReadResult.failed(ErrorCode.KAFKA_STORAGE_ERROR, "reading " + tp + " at " + offset
                    + " failed: " + ex, start, end, hw);
        }
    }

    /**
     * The first offset whose record timestamp is &gt;= {@code timestamp}, with that timestamp; or
     * for {@link #EARLIEST_TIMESTAMP} / {@link #LATEST_TIMESTAMP} the log start / end offset (with
     * timestamp -1). Empty if no record is that new.
     */
    public Optional<TimestampOffset> offsetForTimestamp(long timestamp) throws IOException {
        long end = logEndOffset;
        if (timestamp == EARLIEST_TIMESTAMP) {
            return Optional.of(new TimestampOffset(RecordBatch.NO_TIMESTAMP, logStartOffset));
        }
        if (timestamp == LATEST_TIMESTAMP) {
            return Optional.of(new TimestampOffset(RecordBatch.NO_TIMESTAMP, end));
        }
        if (timestamp < 0) {
            throw new IllegalArgumentException("timestamp " + timestamp + " is negative and not -1 or -2");
        }
        return Optional.ofNullable(segments.findByTimestamp(timestamp, logStartOffset, end));
    }

    /**
     * The first record carrying the largest timestamp in the log, with that timestamp (Kafka's
     * {@code MAX_TIMESTAMP} lookup); empty if no record has a timestamp. Takes no lock, like
     * {@link #offsetForTimestamp}: it reuses that search with the largest timestamp of any segment.
     */
    public Optional<TimestampOffset> maxTimestampOffset() throws IOException {
        long end = logEndOffset;
        long max = segments.maxTimestamp();
        if (max < 0) {
            return Optional.empty();
        }
        return Optional.ofNullable(segments.findByTimestamp(max, logStartOffset, end));
    }

    /**
     * Removes every batch at and above {@code offset} (the whole batch holding it, so the log end
     * may end up below {@code offset} if it falls inside a batch), the epochs starting there, and
     * producer state learned from them. The high watermark, durable end offset and recovery point
     * are lowered to the new end.
     */
    public void truncateTo(long offset) throws IOException {
        lock.lock();
        try {
            ensureOpen();
            if (offset >= logEndOffset) {
                // Nothing to remove, but an epoch this replica assigned as leader without appending
                // may start at the end: drop it, or it would still be this log's latest epoch (Kafka).
                epochCache.truncateFromEnd(logEndOffset);
                return;
            }
            if (offset <= logStartOffset) {
                truncateFullyAndStartAt(offset);
                return;
            }
            long oldEnd = logEndOffset;
            long removedBytes = segments.deleteFrom(offset);
            LogSegment last = segments.last();
            removedBytes += last.truncateTo(offset);
            active = last;
            afterTruncation(last.nextOffset());
            rebuildProducerState();
            LOG.info("{}: truncated to offset {} (was {}), removed {} bytes", tp, logEndOffset, oldEnd, removedBytes);
        } finally {
            lock.unlock();
        }
    }

    /** Deletes all data and restarts the log, empty, at {@code offset} (a follower too far behind). */
    public void truncateFullyAndStartAt(long offset) throws IOException {
        lock.lock();
        try {
            ensureOpen();
            segments.deleteAll();
            active = LogSegment.create(dir, offset, config, clock.milliseconds(), files);
            segments.add(active);
            epochCache.clear();
            producers.clear();
            logStartOffset = offset;
            afterTruncation(offset);
            files.fsyncDirectory(dir);
            LOG.info("{}: truncated fully, log restarts at offset {}", tp, offset);
        } finally {
            lock.unlock();
        }
    }

    private void afterTruncation(long newEnd) throws IOException {
        truncations++;
        logEndOffset = newEnd;
        durableEndOffset = Math.min(durableEndOffset, newEnd);
        recoveryPoint = Math.min(recoveryPoint, newEnd);
        highWatermark = Math.min(Math.max(highWatermark, logStartOffset), newEnd);
        epochCache.truncateFromEnd(newEnd);
    }

    private void rebuildProducerState() throws IOException {
        producers.clear();
        segments.forEachBatchHeader(producers::update);
    }

    /**
     * Deletes the oldest segments that retention allows: by {@code retention.ms} (newest record
     * older than that, or the file's mtime when records carry no timestamps) and by
     * {@code retention.bytes} (while the log without the segment is still at least that large).
     * Only whole segments, never the active one, and only segments wholly below the high watermark.
     * Returns how many were deleted.
     */
    public int deleteOldSegments(long nowMs) throws IOException {
        lock.lock();
        try {
            ensureOpen();
            if (!config.cleanupPolicy().delete()) {
                return 0; // compact only: records stay until a newer one with the same key replaces them
            }
            List<LogSegment> expired = segments.retentionCandidates(config, nowMs, highWatermark);
            for (LogSegment s : expired) {
                segments.remove(s);
                // A DeleteRecords may have moved the start inside the next segment already.
                logStartOffset = Math.max(logStartOffset, segments.first().baseOffset());
                s.delete();
                LOG.info("{}: deleted segment {} by retention, log start offset now {}", tp, s.baseOffset(), logStartOffset);
            }
            if (!expired.isEmpty()) {
                epochCache.truncateFromStart(logStartOffset);
            }
            return expired.size();
        } finally {
            lock.unlock();
        }
    }

    /**
     * Moves the log start offset up to {@code offset} (Kafka's {@code maybeIncrementLogStartOffset}):
     * records below it are gone for readers at once, and the segments wholly below it are deleted.
     * Never past the high watermark, so only committed records are removed (a leader's DeleteRecords;
     * a follower learning the leader's log start from a fetch response). A lower offset changes
     * nothing. Returns the log start offset afterwards.
     */
    public long advanceLogStartOffset(long offset) throws IOException {
        lock.lock();
        try {
            ensureOpen();
            return raiseLogStart(Math.min(offset, highWatermark));
        } finally {
            lock.unlock();
        }
    }

    /** At load: the log start offset checkpointed before the restart (bounded by the log end only). */
    void restoreLogStartOffset(long offset) throws IOException {
        lock.lock();
        try {
            ensureOpen();
            raiseLogStart(Math.min(offset, logEndOffset));
        } finally {
            lock.unlock();
        }
    }

    private long raiseLogStart(long offset) throws IOException {
        if (offset <= logStartOffset) {
            return logStartOffset;
        }
        logStartOffset = offset;
        highWatermark = Math.max(highWatermark, offset);
        int deleted = 0;
        for (LogSegment s : segments.all()) {
            LogSegment next = segments.next(s);
            if (next == null || next.baseOffset() > offset) {
                break; // the active segment, or one that still holds offsets at or above the new start
            }
            segments.remove(s);
            s.delete();
            deleted++;
        }
        epochCache.truncateFromStart(offset);
        LOG.info("{}: log start offset moved to {}; {} segments deleted", tp, offset, deleted);
        return offset;
    }

    /** Sets the high watermark, clamped to [log start, log end]; owned by the replication layer. */
    public void updateHighWatermark(long hw) {
        lock.lock();
        try {
            highWatermark = Math.min(Math.max(hw, logStartOffset), logEndOffset);
        } finally {
            lock.unlock();
        }
    }

    /**
     * A new leader's epoch starts at the current log end, before its first append (Kafka's
     * {@code maybeAssignEpochStartOffset}); nothing happens if the cache already has it or a later
     * one. Returns the log end offset it was recorded at.
     */
    public long assignEpochAtEnd(int epoch) throws IOException {
        lock.lock();
        try {
            ensureOpen();
            epochCache.assign(epoch, logEndOffset);
            return logEndOffset;
        } finally {
            lock.unlock();
        }
    }

    public EpochEndOffset endOffsetForEpoch(int epoch) {
        return epochCache.endOffsetFor(epoch, logEndOffset);
    }

    /** The latest leader epoch with data (or assigned) in this log, -1 if none. */
    public int latestEpoch() {
        return epochCache.latestEpoch();
    }

    /** The idempotent producers this log has seen (those whose batches it still remembers). */
    public List<ActiveProducer> activeProducers() {
        lock.lock();
        try {
            return producers.snapshot();
        } finally {
            lock.unlock();
        }
    }

    public long logStartOffset() {
        return logStartOffset;
    }

    public long logEndOffset() {
        return logEndOffset;
    }

    /** Everything below this survives a crash of this node (see the class comment). */
    public long durableEndOffset() {
        return config.flushPolicy() == LogConfig.FlushPolicy.INTERVAL ? logEndOffset : durableEndOffset;
    }

    public long highWatermark() {
        return highWatermark;
    }

    /** Everything below this is fsynced; recovery after a crash starts here. */
    public long recoveryPoint() {
        return recoveryPoint;
    }

    public TopicPartition topicPartition() {
        return tp;
    }

    public LogConfig config() {
        return config;
    }

    /** Applies a new config; it governs later appends, rolls and retention. */
    public void updateConfig(LogConfig newConfig) {
        this.config = newConfig;
    }

    public Path dir() {
        return dir;
    }

    public int numberOfSegments() {
        return segments.count();
    }

    /** Total bytes of all segment files. */
    public long size() {
        return segments.totalBytes();
    }

    /** Base offsets of the segments, oldest first. */
    public List<Long> segmentBaseOffsets() {
        return segments.baseOffsets();
    }

    /** The segments, oldest first (a snapshot), and the active one: what the log cleaner works on. */
    List<LogSegment> segmentsSnapshot() {
        return segments.all();
    }

    LogSegment activeSegment() {
        return active;
    }

    Time clock() {
        return clock;
    }

    FileAccess files() {
        return files;
    }

    /** The last offset of every idempotent producer's last batch, which cleaning must keep (even empty). */
    java.util.Set<Long> producerLastBatchOffsets() {
        lock.lock();
        try {
            return producers.lastBatchEndOffsets();
        } finally {
            lock.unlock();
        }
    }

    /**
     * The log cleaner's swap: replaces {@code old} by the fsynced {@code <base>.log.cleaned} file, the
     * crash-safe way of {@link SegmentSwap}, and reopens it with rebuilt indexes. Refused (false, the
     * cleaned file deleted) when the segment changed since the cleaner read it: deleted, truncated or
     * still active. Reads in flight on the old file may fail and are retried, as with retention.
     */
    boolean replaceWithCleaned(LogSegment old, int sizeWhenRead) throws IOException {
        lock.lock();
        try {
            ensureOpen();
            if (segments.get(old.baseOffset()) != old || old == active || old.size() != sizeWhenRead) {
                files.delete(SegmentSwap.cleanedFile(dir, old.baseOffset()));
                return false;
            }
            SegmentSwap.install(dir, old.baseOffset(), files);
            LogSegment cleaned = LogSegment.open(dir, old.baseOffset(), config, clock.milliseconds(), false, files);
            cleaned.recover(old.baseOffset(), (batch, position) -> { });
            cleaned.flush(false);
            segments.add(cleaned);
            old.close();
            return true;
        } finally {
            lock.unlock();
        }
    }

    /** Flushes and closes the files. Reads still in flight may fail with a closed channel. */
    @Override
    public void close() throws IOException {
        flush();
        lock.lock();
        try {
            if (closed) {
                return;
            }
            closed = true;
            segments.closeAll();
        } finally {
            lock.unlock();
        }
    }

    /**
     * A crash of the process: closes the files without flushing anything, so what reaches the disk
     * is what the appends and fsyncs so far put there. Later calls fail as on a closed log.
     */
    void abandon() throws IOException {
        lock.lock();
        try {
            if (!closed) {
                closed = true;
                segments.closeAll();
            }
        } finally {
            lock.unlock();
        }
    }

    /** Closes the log and removes its directory with everything in it. */
    public void deleteAll() throws IOException {
        lock.lock();
        try {
            closed = true;
            segments.closeAll();
            try (Stream<Path> walk = Files.walk(dir)) {
                for (Path p : (Iterable<Path>) walk.sorted(Comparator.reverseOrder())::iterator) {
                    Files.deleteIfExists(p);
                }
            }
        } finally {
            lock.unlock();
        }
    }

    boolean isClosed() {
        return closed;
    }

    private void ensureOpen() throws ClosedChannelException {
        if (closed) {
            throw new ClosedChannelException();
        }
    }

    @Override
    public String toString() {
        return "PartitionLog(" + tp + ", [" + logStartOffset + ", " + logEndOffset + "), durable "
                + durableEndOffset + ", hw " + highWatermark + ")";
    }
}
