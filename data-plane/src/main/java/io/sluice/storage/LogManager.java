package io.sluice.storage;

import io.sluice.protocol.TopicPartition;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import io.sluice.protocol.Time;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Owns every partition log under one data directory: opens them at start (recovering past each
 * one's recovery point), creates and deletes them, and runs background threads:
 * <ul>
 *   <li>the {@link GroupCommitFlusher} threads, which fsync logs with unflushed appends under
 *       policy {@code always} and then tell the {@link DurabilityListener}s;</li>
 *   <li>a scheduler for retention ({@code retentionCheckIntervalMs}), periodic fsync of
 *       {@code interval} logs (each at its {@code flush.ms}) and the checkpoint files.</li>
 * </ul>
 * Checkpoints (Kafka's format: version, count, then {@code topic partition offset} lines):
 * {@value #RECOVERY_POINT_FILE} (everything below is fsynced; recovery scans from there) and
 * {@value #HIGH_WATERMARK_FILE} and {@value #LOG_START_FILE} (a log start moved by DeleteRecords inside
 * a segment, which the segment files cannot tell). All are written every {@code checkpointIntervalMs}
 * and at close; as in Kafka, a crash in between may bring records below a fresh log start back.
 *
 * <p>Thread-safety: all public methods may be called from any thread.
 */
public final class LogManager implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(LogManager.class);
    static final String RECOVERY_POINT_FILE = "recovery-point-offset-checkpoint";
    static final String HIGH_WATERMARK_FILE = "replication-offset-checkpoint";
    static final String LOG_START_FILE = "log-start-offset-checkpoint";
    /** fsyncs of different partitions run in parallel on this many threads. */
    public static final int DEFAULT_FLUSH_THREADS = 4;

    private final Path dataDir;
    private final LogConfig defaultConfig;
    private final Time clock;
    private final FileAccess files;
    private final ConcurrentHashMap<TopicPartition, PartitionLog> logs = new ConcurrentHashMap<>();
    private final Map<TopicPartition, Long> lastIntervalFlushNanos = new ConcurrentHashMap<>();
    private final List<DurabilityListener> listeners = new CopyOnWriteArrayList<>();
    private final DurabilityListener fanOut = this::notifyListeners;
    private final GroupCommitFlusher flusher;
    private final ScheduledExecutorService scheduler;
    private final Object checkpointLock = new Object();
    private volatile LogCleaner cleaner;

    private LogManager(Path dataDir, LogConfig defaultConfig, Time clock, int flushThreads, FileAccess files) {
        this.dataDir = dataDir;
        this.files = files;
        this.defaultConfig = defaultConfig;
        this.clock = clock;
        this.flusher = new GroupCommitFlusher("log-flusher-" + dataDir.getFileName(), flushThreads);
        this.scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "log-scheduler-" + dataDir.getFileName());
            t.setDaemon(true);
            return t;
        });
    }

    /**
     * Opens every partition directory under {@code dataDir} with {@code defaultConfig} (the server
     * applies per-topic overrides with {@link PartitionLog#updateConfig}) and starts the threads.
     */
    public static LogManager start(Path dataDir, LogConfig defaultConfig, Time clock,
            long retentionCheckIntervalMs, long checkpointIntervalMs, int flushThreads) throws IOException {
        return start(dataDir, defaultConfig, clock, retentionCheckIntervalMs, checkpointIntervalMs, flushThreads,
                FileAccess.DIRECT);
    }

    /** As above, with every write, fsync and rename of the logs going through {@code files}. */
    public static LogManager start(Path dataDir, LogConfig defaultConfig, Time clock,
            long retentionCheckIntervalMs, long checkpointIntervalMs, int flushThreads, FileAccess files)
            throws IOException {
        Files.createDirectories(dataDir);
        // The directory's own entry, so a power loss cannot take every partition log with it (the fault
        // suite's power-loss-dirs found it lost); at every start, as an older start may not have done it.
        Path parent = dataDir.toAbsolutePath().getParent();
        if (parent != null) {
            files.fsyncDirectory(parent);
        }
        LogManager manager = new LogManager(dataDir, defaultConfig, clock, flushThreads, files);
        try {
            manager.loadLogs();
        } catch (IOException | RuntimeException e) {
            manager.shutdownThreads();
            throw e;
        }
        manager.scheduler.scheduleWithFixedDelay(manager::retentionTask, retentionCheckIntervalMs,
                retentionCheckIntervalMs, TimeUnit.MILLISECONDS);
        manager.scheduler.scheduleWithFixedDelay(manager::checkpointTask, checkpointIntervalMs,
                checkpointIntervalMs, TimeUnit.MILLISECONDS);
        long tick = Math.max(1, Math.min(1000, defaultConfig.flushMs()));
        manager.scheduler.scheduleWithFixedDelay(manager::intervalFlushTask, tick, tick, TimeUnit.MILLISECONDS);
        return manager;
    }

    /** With {@value #DEFAULT_FLUSH_THREADS} flusher threads. */
    public static LogManager start(Path dataDir, LogConfig defaultConfig, Time clock,
            long retentionCheckIntervalMs, long checkpointIntervalMs) throws IOException {
        return start(dataDir, defaultConfig, clock, retentionCheckIntervalMs, checkpointIntervalMs,
                DEFAULT_FLUSH_THREADS);
    }

    /** With Kafka's default periods: retention checked every 5 minutes, checkpoints every minute. */
    public static LogManager start(Path dataDir, LogConfig defaultConfig) throws IOException {
        return start(dataDir, defaultConfig, Time.SYSTEM, 300_000, 60_000);
    }

    private void loadLogs() throws IOException {
        Map<TopicPartition, Long> recoveryPoints = readCheckpoint(RECOVERY_POINT_FILE);
        Map<TopicPartition, Long> highWatermarks = readCheckpoint(HIGH_WATERMARK_FILE);
        Map<TopicPartition, Long> logStarts = readCheckpoint(LOG_START_FILE);
        try (Stream<Path> dirs = Files.list(dataDir)) {
            for (Path dir : (Iterable<Path>) dirs::iterator) {
                if (!Files.isDirectory(dir)) {
                    continue;
                }
                TopicPartition tp;
                try {
                    tp = TopicPartition.fromDirName(dir.getFileName().toString());
                } catch (IllegalArgumentException e) {
                    LOG.warn("ignoring {}: not a partition directory ({})", dir, e.getMessage());
                    continue;
                }
                PartitionLog log = PartitionLog.open(dir, tp, defaultConfig, clock,
                        recoveryPoints.getOrDefault(tp, 0L), flusher, fanOut, files);
                log.updateHighWatermark(highWatermarks.getOrDefault(tp, 0L));
                log.restoreLogStartOffset(logStarts.getOrDefault(tp, 0L));
                logs.put(tp, log);
            }
        }
        LOG.info("opened {} partition logs in {}", logs.size(), dataDir);
        checkpoint();
    }

    /** The log of {@code tp}, created empty with {@code config} if it does not exist. */
    public PartitionLog getOrCreateLog(TopicPartition tp, LogConfig config) throws IOException {
        PartitionLog existing = logs.get(tp);
        if (existing != null) {
            return existing;
        }
        synchronized (logs) {
            existing = logs.get(tp);
            if (existing != null) {
                return existing;
            }
            PartitionLog log = PartitionLog.open(dataDir.resolve(tp.dirName()), tp, config, clock, 0, flusher, fanOut,
                    files);
            files.fsyncDirectory(dataDir);
            logs.put(tp, log);
            return log;
        }
    }

    public Optional<PartitionLog> getLog(TopicPartition tp) {
        return Optional.ofNullable(logs.get(tp));
    }

    public List<PartitionLog> allLogs() {
        return new ArrayList<>(logs.values());
    }

    /** Closes the log of {@code tp} and deletes its directory; no-op if there is none. */
    public void deleteLog(TopicPartition tp) throws IOException {
        PartitionLog log;
        synchronized (logs) {
            log = logs.remove(tp);
        }
        if (log != null) {
            lastIntervalFlushNanos.remove(tp);
            log.deleteAll();
            LOG.info("{}: deleted log", tp);
        }
    }

    /**
     * Tells {@code observer} the duration in nanoseconds of every group-commit fsync (the flusher
     * threads call it, so it must be cheap and thread-safe); for the node's metrics.
     */
    public void observeFlushTimes(java.util.function.LongConsumer observer) {
        flusher.observeFlushTimes(observer);
    }

    /** Adds a listener told, from the flusher thread, whenever a log's durable end offset advances. */
    public void addDurabilityListener(DurabilityListener listener) {
        listeners.add(listener);
    }

    private void notifyListeners(TopicPartition tp, long durableEndOffset) {
        for (DurabilityListener l : listeners) {
            try {
                l.onDurable(tp, durableEndOffset);
            } catch (RuntimeException e) {
                LOG.error("durability listener failed for {}", tp, e);
            }
        }
    }

    /**
     * Starts the log cleaner for the compacted logs of this directory (threads only when
     * {@code log.cleaner.enable}); stopped by {@link #close()} and {@link #crash()}. Call once.
     */
    public LogCleaner startCleaner(CleanerConfig config) throws IOException {
        LogCleaner c = new LogCleaner(logs::values, dataDir, files, clock, config);
        c.start();
        cleaner = c;
        return c;
    }

    /** The cleaner, once started. */
    public Optional<LogCleaner> cleaner() {
        return Optional.ofNullable(cleaner);
    }

    /** Runs retention on every log now; returns the number of segments deleted. */
    public int runRetention() {
        int deleted = 0;
        long now = clock.milliseconds();
        for (PartitionLog log : logs.values()) {
            try {
                deleted += log.deleteOldSegments(now);
            } catch (IOException e) {
                LOG.error("{}: retention failed", log.topicPartition(), e);
            }
        }
        return deleted;
    }

    /** Writes the recovery-point, high-watermark and log-start checkpoint files now. */
    public void checkpoint() throws IOException {
        synchronized (checkpointLock) {
            List<String> recovery = new ArrayList<>();
            List<String> hw = new ArrayList<>();
            List<String> starts = new ArrayList<>();
            for (PartitionLog log : logs.values()) {
                TopicPartition tp = log.topicPartition();
                recovery.add(tp.topic() + " " + tp.partition() + " " + log.recoveryPoint());
                hw.add(tp.topic() + " " + tp.partition() + " " + log.highWatermark());
                starts.add(tp.topic() + " " + tp.partition() + " " + log.logStartOffset());
            }
            CheckpointFile.write(files, dataDir.resolve(RECOVERY_POINT_FILE), recovery);
            CheckpointFile.write(files, dataDir.resolve(HIGH_WATERMARK_FILE), hw);
            CheckpointFile.write(files, dataDir.resolve(LOG_START_FILE), starts);
        }
    }

    private Map<TopicPartition, Long> readCheckpoint(String name) throws IOException {
        Map<TopicPartition, Long> out = new HashMap<>();
        for (String line : CheckpointFile.read(dataDir.resolve(name))) {
            String[] parts = line.trim().split("\\s+");
            if (parts.length != 3) {
                throw new IOException("malformed line '" + line + "' in " + dataDir.resolve(name));
            }
            out.put(new TopicPartition(parts[0], Integer.parseInt(parts[1])), Long.parseLong(parts[2]));
        }
        return out;
    }

    private void retentionTask() {
        runRetention();
    }

    private void checkpointTask() {
        try {
            checkpoint();
        } catch (IOException e) {
            LOG.error("writing checkpoints in {} failed", dataDir, e);
        }
    }

    private void intervalFlushTask() {
        long now = System.nanoTime();
        for (PartitionLog log : logs.values()) {
            if (log.config().flushPolicy() != LogConfig.FlushPolicy.INTERVAL) {
                continue;
            }
            long last = lastIntervalFlushNanos.computeIfAbsent(log.topicPartition(), k -> now);
            if (now - last >= TimeUnit.MILLISECONDS.toNanos(log.config().flushMs())) {
                lastIntervalFlushNanos.put(log.topicPartition(), now);
                try {
                    log.flush();
                } catch (IOException e) {
                    LOG.error("{}: periodic fsync failed", log.topicPartition(), e);
                }
            }
        }
    }

    /** Stops the threads, flushes and closes every log, and writes the checkpoints. */
    @Override
    public void close() throws IOException {
        shutdownThreads();
        IOException failure = null;
        for (PartitionLog log : logs.values()) {
            try {
                log.close();
            } catch (IOException e) {
                failure = e;
                LOG.error("{}: close failed", log.topicPartition(), e);
            }
        }
        checkpoint();
        if (failure != null) {
            throw failure;
        }
    }

    /**
     * A crash of the process: stops the threads (an fsync already running finishes, as it would have
     * before the crash), closes the files without flushing, and writes no checkpoint, so the next
     * start recovers from the checkpoints written before.
     */
    public void crash() {
        shutdownThreads();
        for (PartitionLog log : logs.values()) {
            try {
                log.abandon();
            } catch (IOException e) {
                LOG.warn("{}: closing after a crash failed", log.topicPartition(), e);
            }
        }
    }

    private void shutdownThreads() {
        LogCleaner c = cleaner;
        if (c != null) {
            c.close();
        }
        scheduler.shutdownNow();
        try {
            scheduler.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        flusher.close();
    }
}
