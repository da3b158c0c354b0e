package io.sluice.storage;

import io.sluice.protocol.TopicPartition;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Opens the segments of a partition directory and recovers what a crash may have damaged.
 *
 * <p>Segments wholly below the recovery point (everything below it was fsynced) are trusted: their
 * indexes are sanity-checked and only the tail after the last index entry is read. From the first
 * segment that reaches past the recovery point, or whose indexes are missing or inconsistent,
 * every batch is read and checked (length, magic, CRC, increasing offsets) and the indexes are
 * rebuilt; the file is truncated after the last valid batch and the loss is logged with offset and
 * byte count. Segments after a truncated one are deleted: a log has no holes. Producer state is
 * rebuilt from the batch headers of all segments, and the leader-epoch cache is cut to the
 * recovered log.
 *
 * <p>Runs single-threaded, before the log is visible to anyone.
 */
final class LogLoader {
    private static final Logger LOG = LoggerFactory.getLogger(LogLoader.class);

    record Loaded(LogSegments segments, LeaderEpochCache epochCache,
            ProducerStateManager producers) {
    }

    private LogLoader() {
    }

    static Loaded load(Path dir, TopicPartition tp, LogConfig config, long nowMs, long recoveryPoint, FileAccess files)
            throws IOException {
        Files.createDirectories(dir);
        SegmentSwap.recover(dir, tp, files);
        removeLeftovers(dir);
        LeaderEpochCache epochCache = LeaderEpochCache.load(dir, files);
        ProducerStateManager producers = new ProducerStateManager();
        LogSegments segments = new LogSegments();
        boolean recovering = false;
        boolean dropRest = false;
        for (long base : segmentBaseOffsets(dir)) {
            if (dropRest) {
                LOG.warn("{}: deleting segment {} which follows a truncated one", tp, base);
                LogSegment.open(dir, base, config, nowMs, false, files).delete();
                continue;
            }
            LogSegment segment = LogSegment.open(dir, base, config, nowMs, !recovering, files);
            if (!recovering && (segment.needsRecovery() || segment.nextOffset() > recoveryPoint)) {
                recovering = true;
                LOG.info("{}: recovering from segment {} (recovery point {})", tp, base, recoveryPoint);
            }
            if (recovering) {
                dropRest = recover(tp, segment, producers);
            } else {
                segment.forEachBatchHeader(producers::update);
            }
            segments.add(segment);
        }
        if (segments.isEmpty()) {
            segments.add(LogSegment.create(dir, 0, config, nowMs, files));
        }
        epochCache.truncateFromEnd(segments.last().nextOffset());
        epochCache.truncateFromStart(segments.first().baseOffset());
        return new Loaded(segments, epochCache, producers);
    }

    /** Recovers one segment; true if it lost bytes, so that later segments must go. */
    private static boolean recover(TopicPartition tp, LogSegment segment, ProducerStateManager producers)
            throws IOException {
        SegmentScanner.Result r = segment.recover(segment.baseOffset(), (batch, pos) -> producers.update(batch));
        if (r.droppedBytes() == 0) {
            return false;
        }
        LOG.warn("{}: truncated {} after byte {} (offset {}): dropped {} bytes{}: {}", tp,
                segment.logFile().getFileName(), r.validBytes(), segment.nextOffset(), r.droppedBytes(),
                r.firstDroppedOffset() >= 0 ? " starting with a batch claiming offset " + r.firstDroppedOffset() : "",
                r.reason());
        return true;
    }

    static List<Long> segmentBaseOffsets(Path dir) throws IOException {
        List<Long> bases = new ArrayList<>();
        try (Stream<Path> files = Files.list(dir)) {
            for (Path f : (Iterable<Path>) files::iterator) {
                String name = f.getFileName().toString();
                if (name.endsWith(LogSegment.LOG_SUFFIX) && name.length() == 20 + LogSegment.LOG_SUFFIX.length()) {
                    bases.add(Long.parseLong(name.substring(0, 20)));
                }
            }
        }
        bases.sort(null);
        return bases;
    }

    /** Temporary files of an interrupted checkpoint, and indexes whose log file is gone. */
    private static void removeLeftovers(Path dir) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            for (Path f : (Iterable<Path>) files::iterator) {
                String name = f.getFileName().toString();
                boolean orphanIndex = (name.endsWith(LogSegment.INDEX_SUFFIX) || name.endsWith(LogSegment.TIME_INDEX_SUFFIX))
                        && !Files.exists(dir.resolve(name.substring(0, name.indexOf('.')) + LogSegment.LOG_SUFFIX));
                if (name.endsWith(".tmp") || orphanIndex) {
                    Files.deleteIfExists(f);
                }
            }
        }
    }
}
