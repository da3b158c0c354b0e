package io.sluice.storage;

import io.sluice.protocol.TopicPartition;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Replaces a segment's log file by its cleaned version so that a crash at any point leaves either
 * the old or the new segment, never neither and never a mix:
 * <ol>
 *   <li>the cleaner writes {@code <base>.log.cleaned} and fsyncs it (a crash: the leftover is deleted
 *       at the next start, the old segment is untouched);</li>
 *   <li>{@code .cleaned} is renamed to {@code <base>.log.swap} and the directory fsynced: from here
 *       on the new content is complete and durable, and a restart finishes the swap;</li>
 *   <li>the old segment's {@code .index} and {@code .timeindex} are deleted and the directory
 *       fsynced: they describe the old file's positions and must never be read against the new one
 *       (a missing index is rebuilt from the log);</li>
 *   <li>{@code .swap} is renamed over {@code <base>.log} (atomic) and the directory fsynced.</li>
 * </ol>
 * {@link #recover} runs at log open, before segments are read: it deletes {@code .cleaned} files and
 * finishes each {@code .swap} whose {@code .log} still exists (steps 3 and 4); a {@code .swap} without
 * its {@code .log} (the segment was deleted meanwhile) is deleted. Stateless.
 */
final class SegmentSwap {
    private static final Logger LOG = LoggerFactory.getLogger(SegmentSwap.class);
    static final String CLEANED_SUFFIX = LogSegment.LOG_SUFFIX + ".cleaned";
    static final String SWAP_SUFFIX = LogSegment.LOG_SUFFIX + ".swap";

    private SegmentSwap() {
    }

    static Path cleanedFile(Path dir, long baseOffset) {
        return dir.resolve(LogSegment.fileName(baseOffset, CLEANED_SUFFIX));
    }

    /** Steps 2 to 4, for a {@code .cleaned} file that is complete and fsynced. */
    static void install(Path dir, long baseOffset, FileAccess files) throws IOException {
        Path swap = dir.resolve(LogSegment.fileName(baseOffset, SWAP_SUFFIX));
        files.rename(cleanedFile(dir, baseOffset), swap);
        files.fsyncDirectory(dir);
        finish(dir, baseOffset, swap, files);
    }

    private static void finish(Path dir, long baseOffset, Path swap, FileAccess files) throws IOException {
        files.delete(dir.resolve(LogSegment.fileName(baseOffset, LogSegment.INDEX_SUFFIX)));
        files.delete(dir.resolve(LogSegment.fileName(baseOffset, LogSegment.TIME_INDEX_SUFFIX)));
        files.fsyncDirectory(dir);
        files.rename(swap, dir.resolve(LogSegment.fileName(baseOffset, LogSegment.LOG_SUFFIX)));
        files.fsyncDirectory(dir);
    }

    /** Finishes or discards what a crash left of a swap in {@code dir}. */
    static void recover(Path dir, TopicPartition tp, FileAccess files) throws IOException {
        try (Stream<Path> list = Files.list(dir)) {
            for (Path f : (Iterable<Path>) list::iterator) {
                String name = f.getFileName().toString();
                if (name.endsWith(CLEANED_SUFFIX)) {
                    LOG.info("{}: deleting {}, a cleaned segment the cleaner did not finish writing", tp, name);
                    files.delete(f);
                } else if (name.endsWith(SWAP_SUFFIX)) {
                    long base = Long.parseLong(name.substring(0, 20));
                    if (Files.exists(dir.resolve(LogSegment.fileName(base, LogSegment.LOG_SUFFIX)))) {
                        LOG.info("{}: finishing the interrupted swap of cleaned segment {}", tp, base);
                        finish(dir, base, f, files);
                    } else {
                        LOG.info("{}: deleting {}: its segment was deleted", tp, name);
                        files.delete(f);
                        files.fsyncDirectory(dir);
                    }
                }
            }
        }
    }
}
