package io.sluice.storage;

import io.sluice.protocol.TopicPartition;
import java.io.IOException;
import java.nio.file.Path;
import io.sluice.protocol.Time;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Compacts the logs of one data directory whose {@code cleanup.policy} includes {@code compact}, on
 * {@code log.cleaner.threads} background threads (Kafka's {@code LogCleaner}). Every replica runs its
 * own cleaner on its own copy; nothing is coordinated, and replicas holding the same segments clean
 * them to the same bytes ({@link CompactionPass}).
 *
 * <p>Each round a thread picks, among the compacted logs no other thread is cleaning, the one with
 * the highest dirty ratio (bytes of cleanable segments at or after the first dirty offset over all
 * cleanable bytes) that is at least its {@code min.cleanable.dirty.ratio}, or whose first dirty
 * segment's newest record is older than {@code max.compaction.lag.ms}; it runs one pass, then
 * records the new first dirty offset in {@value #CHECKPOINT_FILE} (Kafka's name and format), so a
 * restart does not clean everything again. With nothing to do it sleeps {@code log.cleaner.backoff.ms}.
 * All threads share one {@link Throttler} at {@code log.cleaner.io.max.bytes.per.second}.
 *
 * <p>Thread-safety: all public methods may be called from any thread.
 */
public final class LogCleaner implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(LogCleaner.class);
    static final String CHECKPOINT_FILE = "cleaner-offset-checkpoint";

    /** A compacted log's cleaning progress, for metrics and describe. */
    public record Progress(double dirtyRatio, long firstDirtyOffset, long passes, long recordsRemoved) {
    }

    private final Supplier<Collection<PartitionLog>> logs;
    private final Path checkpointFile;
    private final FileAccess files;
    private final Time clock;
    private final CleanerConfig config;
    private final Throttler throttler;
    private final Map<TopicPartition, Long> firstDirty = new ConcurrentHashMap<>();
    private final Map<TopicPartition, long[]> totals = new ConcurrentHashMap<>(); // {passes, records removed}
    private final Set<TopicPartition> inProgress = ConcurrentHashMap.newKeySet();
    private final Object checkpointLock = new Object();
    private final Object sleep = new Object();
    private final List<Thread> threads = new ArrayList<>();
    private volatile boolean running = true;

    LogCleaner(Supplier<Collection<PartitionLog>> logs, Path dataDir, FileAccess files, Time clock,
            CleanerConfig config) throws IOException {
        this.logs = logs;
        this.checkpointFile = dataDir.resolve(CHECKPOINT_FILE);
        this.files = files;
        this.clock = clock;
        this.config = config;
        this.throttler = new Throttler(config.ioMaxBytesPerSecond());
        for (String line : CheckpointFile.read(checkpointFile)) {
            String[] parts = line.trim().split("\\s+");
            if (parts.length != 3) {
                throw new IOException("malformed line '" + line + "' in " + checkpointFile);
            }
            firstDirty.put(new TopicPartition(parts[0], Integer.parseInt(parts[1])), Long.parseLong(parts[2]));
        }
    }

    /** Starts the threads (none when {@code log.cleaner.enable} is false). */
    void start() {
        if (!config.enabled()) {
            return;
        }
        long mapBytes = config.dedupeBufferSize() / config.threads();
        for (int i = 0; i < config.threads(); i++) {
            Thread t = new Thread(() -> loop(new OffsetMap(mapBytes)), "log-cleaner-" + i);
            t.setDaemon(true);
            threads.add(t);
            t.start();
        }
    }

    private void loop(OffsetMap map) {
        while (running) {
            boolean cleaned = false;
            try {
                cleaned = cleanOnce(map);
            } catch (RuntimeException e) {
                LOG.error("log cleaner round failed", e);
            }
            if (!cleaned) {
                synchronized (sleep) {
                    try {
                        if (running) {
                            sleep.wait(config.backoffMs());
                        }
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            }
        }
    }

    /** One round on the calling thread, with its own key map: cleans the dirtiest eligible log; false if none was. */
    public boolean cleanOnce() {
        return cleanOnce(new OffsetMap(config.dedupeBufferSize() / config.threads()));
    }

    private boolean cleanOnce(OffsetMap map) {
        long now = clock.milliseconds();
        PartitionLog chosen = null;
        double best = -1;
        for (PartitionLog log : logs.get()) {
            TopicPartition tp = log.topicPartition();
            if (!log.config().cleanupPolicy().compact() || log.isClosed() || inProgress.contains(tp)) {
                continue;
            }
            Dirt d = dirt(log, now);
            boolean overdue = d.firstDirtyMaxTimestamp >= 0
                    && now - d.firstDirtyMaxTimestamp > log.config().maxCompactionLagMs();
            if (d.dirtyBytes > 0 && (d.ratio() >= log.config().minCleanableDirtyRatio() || overdue)
                    && (overdue ? Double.MAX_VALUE : d.ratio()) > best) {
                best = overdue ? Double.MAX_VALUE : d.ratio();
                chosen = log;
            }
        }
        if (chosen == null || !inProgress.add(chosen.topicPartition())) {
            return false;
        }
        TopicPartition tp = chosen.topicPartition();
        try {
            long from = firstDirtyOffset(chosen);
            long started = clock.nanoseconds();
            CompactionPass.Result r = new CompactionPass(chosen, map, throttler).run(from, now);
            if (r.cleanedUpTo() == from) {
                LOG.warn("{}: cannot clean from offset {}: the first dirty segment has more records than"
                        + " log.cleaner.dedupe.buffer.size allows one thread to map", tp, from);
                return false;
            }
            firstDirty.put(tp, r.cleanedUpTo());
            long[] t = totals.computeIfAbsent(tp, k -> new long[2]);
            t[0]++;
            t[1] += r.recordsRemoved();
            writeCheckpoint();
            // The pass's own rate (throttling included), as Kafka's cleaner reports it: what an operator sizes
            // log.cleaner.io.max.bytes.per.second against.
            double seconds = Math.max(1e-9, (clock.nanoseconds() - started) / 1e9);
            LOG.info("{}: cleaned up to offset {}: {} segments rewritten, {} records removed, {} bytes read, {} written"
                    + " in {} ms ({} MB/s read)", tp, r.cleanedUpTo(), r.segmentsRewritten(), r.recordsRemoved(),
                    r.bytesRead(), r.bytesWritten(), Math.round(seconds * 1000),
                    String.format(Locale.ROOT, "%.1f", r.bytesRead() / seconds / 1e6));
            return true;
        } catch (IOException e) {
            if (!chosen.isClosed()) {
                LOG.error("{}: cleaning failed", tp, e);
            }
            return false;
        } finally {
            inProgress.remove(tp);
        }
    }

    /** Where the next pass starts: the checkpointed offset, within the log (a truncated log starts over). */
    long firstDirtyOffset(PartitionLog log) {
        long stored = firstDirty.getOrDefault(log.topicPartition(), log.logStartOffset());
        return stored > log.logEndOffset() ? log.logStartOffset() : Math.max(stored, log.logStartOffset());
    }

    /** Cleanable bytes before and after the first dirty offset, and the first dirty segment's newest timestamp. */
    private record Dirt(long cleanBytes, long dirtyBytes, long firstDirtyMaxTimestamp) {
        double ratio() {
            return cleanBytes + dirtyBytes == 0 ? 0 : (double) dirtyBytes / (cleanBytes + dirtyBytes);
        }
    }

    private Dirt dirt(PartitionLog log, long now) {
        long from = firstDirtyOffset(log);
        long clean = 0;
        long dirty = 0;
        long firstDirtyTs = -1;
        for (CompactionPass.Cleanable c : CompactionPass.cleanableSegments(log, now)) {
            if (c.end() <= from) {
                clean += c.size();
            } else {
                if (dirty == 0 && firstDirtyTs < 0) {
                    firstDirtyTs = c.segment().maxTimestamp();
                }
                dirty += c.size();
            }
        }
        return new Dirt(clean, dirty, firstDirtyTs);
    }

    /** Progress of {@code log} if it is compacted. */
    public Optional<Progress> progress(PartitionLog log) {
        if (!log.config().cleanupPolicy().compact()) {
            return Optional.empty();
        }
        long[] t = totals.getOrDefault(log.topicPartition(), new long[2]);
        return Optional.of(new Progress(dirt(log, clock.milliseconds()).ratio(), firstDirtyOffset(log), t[0], t[1]));
    }

    private void writeCheckpoint() throws IOException {
        synchronized (checkpointLock) {
            Map<TopicPartition, Long> live = new HashMap<>();
            for (PartitionLog log : logs.get()) {
                Long offset = firstDirty.get(log.topicPartition());
                if (offset != null) {
                    live.put(log.topicPartition(), offset);
                }
            }
            List<String> entries = new ArrayList<>();
            live.forEach((tp, offset) -> entries.add(tp.topic() + " " + tp.partition() + " " + offset));
            CheckpointFile.write(files, checkpointFile, entries);
        }
    }

    /**
     * Stops the threads, waiting up to 10 s for a pass in progress; one still running then fails on
     * the closed log, which every step of a swap survives ({@link SegmentSwap}).
     */
    @Override
    public void close() {
        running = false;
        synchronized (sleep) {
            sleep.notifyAll();
        }
        // No interrupt: an interrupted FileChannel operation closes the channel, a segment's included.
        for (Thread t : threads) {
            try {
                t.join(10_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }
}
