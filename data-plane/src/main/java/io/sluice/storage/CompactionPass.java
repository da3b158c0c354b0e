package io.sluice.storage;

import io.sluice.protocol.record.RecordBatch;
import io.sluice.protocol.record.RecordCursor;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.Predicate;

/**
 * One cleaning pass over one compacted log (Kafka's {@code Cleaner.clean}):
 * <ol>
 *   <li>the cleanable segments: closed ones (never the active segment), wholly below the high
 *       watermark and the recovery point (replicated and fsynced), whose newest record is at least
 *       {@code min.compaction.lag.ms} old; the first uncleanable one ends the range;</li>
 *   <li>the dirty section: the cleanable segments from the first dirty offset (the cleaner
 *       checkpoint); an {@link OffsetMap} of key -> latest offset is built over as many whole dirty
 *       segments as the map holds;</li>
 *   <li>every cleanable segment up to the end of the mapped section, oldest first, is rewritten
 *       batch by batch ({@link BatchFilter}) keeping a record when it has a key, no later record with
 *       that key is in the map, and it is not a tombstone (null value) whose batch's delete horizon
 *       (KIP-534: stamped by the first pass that kept it, at that pass's time plus
 *       {@code delete.retention.ms}) has passed; a segment where nothing changed is left alone, one that changed
 *       is written to {@code .cleaned}, fsynced and swapped in ({@link SegmentSwap}). Oldest first, so
 *       a crash between two swaps never leaves a tombstone removed with an older value still there.</li>
 * </ol>
 * The result depends only on the segments' content, the map size and the clock, so replicas holding
 * the same segments agree. Runs on one cleaner thread; the log stays open for appends and reads.
 */
final class CompactionPass {
    /** What a pass did; {@code cleanedUpTo} is the new first dirty offset (unchanged when nothing was mapped). */
    record Result(long cleanedUpTo, int segmentsRewritten, long bytesRead, long bytesWritten, long recordsRemoved) {
    }

    /** A closed segment, its size when looked at, and where it ends: the next segment's base offset. */
    record Cleanable(LogSegment segment, int size, long end) {
    }

    private final PartitionLog log;
    private final OffsetMap map;
    private final Throttler throttler;
    private long bytesRead;
    private long bytesWritten;
    private long recordsRemoved;

    CompactionPass(PartitionLog log, OffsetMap map, Throttler throttler) {
        this.log = log;
        this.map = map;
        this.throttler = throttler;
    }

    /**
     * The segments a pass may touch, oldest first: closed, wholly below the high watermark and the
     * recovery point, and past {@code min.compaction.lag.ms}.
     */
    static List<Cleanable> cleanableSegments(PartitionLog log, long nowMs) {
        List<Cleanable> out = new ArrayList<>();
        List<LogSegment> all = log.segmentsSnapshot();
        long bound = Math.min(log.highWatermark(), log.recoveryPoint());
        long lag = log.config().minCompactionLagMs();
        for (int i = 0; i + 1 < all.size(); i++) {
            LogSegment s = all.get(i);
            long end = all.get(i + 1).baseOffset();
            if (end > bound || (lag > 0 && s.maxTimestamp() > nowMs - lag)) {
                break;
            }
            out.add(new Cleanable(s, s.size(), end));
        }
        return out;
    }

    /** Runs the pass from {@code firstDirtyOffset}; the log's segments may change meanwhile (swaps are checked). */
    Result run(long firstDirtyOffset, long nowMs) throws IOException {
        List<Cleanable> cleanable = cleanableSegments(log, nowMs);
        map.clear();
        long mappedEnd = -1;
        for (Cleanable c : cleanable) {
            if (c.end() <= firstDirtyOffset) {
                continue; // wholly clean already
            }
            if (!mapSegment(c)) {
                break;
            }
            mappedEnd = c.end();
        }
        if (mappedEnd < 0) {
            return new Result(firstDirtyOffset, 0, bytesRead, 0, 0);
        }
        Set<Long> producerLastBatches = log.producerLastBatchOffsets();
        int rewritten = 0;
        for (Cleanable c : cleanable) {
            if (c.segment().baseOffset() >= mappedEnd) {
                break;
            }
            if (cleanSegment(c, producerLastBatches, nowMs)) {
                rewritten++;
            }
        }
        return new Result(mappedEnd, rewritten, bytesRead, bytesWritten, recordsRemoved);
    }

    /** Adds the segment's keys to the map; false (map untouched by it) when they might not all fit. */
    private boolean mapSegment(Cleanable c) throws IOException {
        long records = 0;
        List<BatchHeader> headers = headers(c);
        for (BatchHeader h : headers) {
            records += h.lastOffset() - h.baseOffset() + 1;
        }
        if (records > map.remaining()) {
            return false;
        }
        for (BatchHeader h : headers) {
            RecordBatch batch = readBatch(c.segment(), h);
            if (batch.isControlBatch()) {
                continue;
            }
            RecordCursor cursor = batch.records();
            while (cursor.next()) {
                if (cursor.keySize() >= 0) {
                    map.put(cursor.key(), cursor.offset());
                }
            }
        }
        return true;
    }

    /**
     * Rewrites one segment into {@code .cleaned} and swaps it in; false if nothing changed or the swap
     * was refused. The file is started at the first batch that changes, with the unchanged prefix
     * copied over, so a segment where nothing changes costs reads only.
     */
    private boolean cleanSegment(Cleanable c, Set<Long> producerLastBatches, long nowMs) throws IOException {
        LogSegment segment = c.segment();
        long newHorizon = nowMs + log.config().deleteRetentionMs();
        if (newHorizon < nowMs) {
            newHorizon = Long.MAX_VALUE; // delete.retention.ms near Long.MAX_VALUE: never
        }
        FileAccess.StorageFile file = null;
        long written = 0;
        try {
            for (BatchHeader h : headers(c)) {
                RecordBatch batch = readBatch(segment, h);
                // KIP-534: a tombstone goes once the batch carries a delete horizon that has passed; the
                // first pass that keeps it sets the horizon (BatchFilter), so the clock starts then.
                boolean tombstonesExpired = batch.hasDeleteHorizon() && nowMs >= batch.deleteHorizonMs();
                Predicate<RecordCursor> keep = r -> {
                    if (r.keySize() < 0) {
                        return false; // written before the topic became compacted; Kafka's cleaner drops these too
                    }
                    long latest = map.get(r.key());
                    return (latest < 0 || r.offset() >= latest) && !(r.valueSize() < 0 && tombstonesExpired);
                };
                BatchFilter.Result r = BatchFilter.filter(batch, keep,
                        batch.hasProducerId() && producerLastBatches.contains(batch.lastOffset()), newHorizon);
                recordsRemoved += r.recordsBefore() - r.recordsKept();
                if (file == null && r.outcome() != BatchFilter.Outcome.UNCHANGED) {
                    file = log.files().open(SegmentSwap.cleanedFile(log.dir(), segment.baseOffset()));
                    file.truncate(0);
                    written = copyPrefix(segment, h.position(), file);
                }
                if (file != null && r.batch() != null) {
                    written += write(file, r.batch(), written);
                }
            }
            if (file == null) {
                return false;
            }
            file.force(true);
        } finally {
            if (file != null) {
                file.close();
            }
        }
        bytesWritten += written;
        return log.replaceWithCleaned(segment, c.size());
    }

    /** Copies the segment's first {@code length} bytes (unchanged batches) to the cleaned file. */
    private long copyPrefix(LogSegment segment, int length, FileAccess.StorageFile file) throws IOException {
        int chunk = 1 << 20;
        long position = 0;
        while (position < length) {
            int n = (int) Math.min(chunk, length - position);
            throttler.acquire(n);
            write(file, segment.readFully((int) position, n), position);
            position += n;
        }
        return position;
    }

    private int write(FileAccess.StorageFile file, ByteBuffer bytes, long position) throws IOException {
        int n = bytes.remaining();
        throttler.acquire(n);
        file.write(bytes.duplicate(), position);
        return n;
    }

    /** The batch headers of a segment below the size it had when the pass started. */
    private List<BatchHeader> headers(Cleanable c) throws IOException {
        List<BatchHeader> out = new ArrayList<>();
        ByteBuffer scratch = BatchHeader.scratch();
        int pos = 0;
        BatchHeader h;
        while ((h = BatchHeader.read(c.segment().channel(), scratch, pos, c.size())) != null) {
            out.add(h);
            pos = h.end();
        }
        return out;
    }

    private RecordBatch readBatch(LogSegment segment, BatchHeader h) throws IOException {
        throttler.acquire(h.size());
        bytesRead += h.size();
        return RecordBatch.wrap(segment.readFully(h.position(), h.size()), 0);
    }
}
