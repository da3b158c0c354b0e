package io.sluice.storage;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sluice.protocol.MockTime;
import io.sluice.protocol.TopicPartition;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(60)
class LogManagerTest {
    @TempDir
    Path tmp;
    private final MockTime clock = new MockTime(1_000_000);

    private LogManager start() throws IOException {
        return LogManager.start(tmp, LogConfig.defaultConfig(), clock, 3_600_000, 3_600_000);
    }

    @Test
    void groupCommitMakesConcurrentAppendsDurable() throws Exception {
        Map<TopicPartition, Long> durable = new ConcurrentHashMap<>();
        AtomicInteger notifications = new AtomicInteger();
        try (LogManager manager = start()) {
            manager.addDurabilityListener((tp, offset) -> {
                notifications.incrementAndGet();
                durable.merge(tp, offset, Math::max);
            });
            TopicPartition shared = new TopicPartition("shared", 0);
            PartitionLog sharedLog = manager.getOrCreateLog(shared, LogConfig.defaultConfig());
            ExecutorService pool = Executors.newFixedThreadPool(8);
            List<Future<?>> futures = new ArrayList<>();
            int perThread = 200;
            for (int t = 0; t < 8; t++) {
                TopicPartition own = new TopicPartition("own", t);
                PartitionLog ownLog = manager.getOrCreateLog(own, LogConfig.defaultConfig());
                futures.add(pool.submit(() -> {
                    for (int i = 0; i < perThread; i++) {
                        assertTrue(sharedLog.appendAsLeader(Batches.values(1, "s"), 0).succeeded());
                        assertTrue(ownLog.appendAsLeader(Batches.values(1, "o"), 0).succeeded());
                    }
                    return null;
                }));
            }
            for (Future<?> f : futures) {
                f.get();
            }
            pool.shutdown();
            await().atMost(Duration.ofSeconds(20)).until(() -> durable.getOrDefault(shared, 0L) == 8L * perThread);
            for (int t = 0; t < 8; t++) {
                TopicPartition own = new TopicPartition("own", t);
                await().atMost(Duration.ofSeconds(20)).until(() -> durable.getOrDefault(own, 0L) == perThread);
            }
            assertEquals(8L * perThread, sharedLog.durableEndOffset());
            // How many fsyncs group commit saves depends on the machine's speed: GroupCommitBenchmark
            // measures it; a test only checks that every append became durable and was reported.
            assertTrue(notifications.get() > 0);
        }
    }

    @Test
    void intervalPolicyIsDurableAtAppendAndFsyncsLater() throws Exception {
        LogConfig interval = LogConfig.fromMap(Map.of(LogConfig.FLUSH_POLICY, "interval", LogConfig.FLUSH_MS, "10"));
        List<Long> seen = new ArrayList<>();
        try (LogManager manager = LogManager.start(tmp, interval, clock, 3_600_000, 3_600_000)) {
            manager.addDurabilityListener((tp, offset) -> {
                synchronized (seen) {
                    seen.add(offset);
                }
            });
            PartitionLog log = manager.getOrCreateLog(new TopicPartition("i", 0), interval);
            log.appendAsLeader(Batches.values(1, "a", "b"), 0);
            assertEquals(2, log.durableEndOffset());
            synchronized (seen) {
                assertTrue(seen.contains(2L));
            }
            await().atMost(Duration.ofSeconds(10)).until(() -> log.recoveryPoint() == 2);
        }
    }

    @Test
    void checkpointsSurviveRestart() throws Exception {
        TopicPartition tp = new TopicPartition("cp", 2);
        try (LogManager manager = start()) {
            PartitionLog log = manager.getOrCreateLog(tp, LogConfig.defaultConfig());
            log.appendAsLeader(Batches.values(1, "a", "b", "c"), 4);
            log.updateHighWatermark(2);
        }
        assertTrue(Files.readString(tmp.resolve(LogManager.RECOVERY_POINT_FILE)).contains("cp 2 3"));
        assertTrue(Files.readString(tmp.resolve(LogManager.HIGH_WATERMARK_FILE)).contains("cp 2 2"));
        try (LogManager manager = start()) {
            PartitionLog log = manager.getLog(tp).orElseThrow();
            assertEquals(3, log.logEndOffset());
            assertEquals(2, log.highWatermark());
            assertEquals(4, log.latestEpoch());
        }
    }

    @Test
    void retentionRunsOnEveryLog() throws Exception {
        LogConfig small = LogConfig.fromMap(Map.of(LogConfig.SEGMENT_BYTES, "400", LogConfig.RETENTION_BYTES, "0"));
        try (LogManager manager = start()) {
            PartitionLog log = manager.getOrCreateLog(new TopicPartition("r", 0), small);
            for (int i = 0; i < 6; i++) {
                log.appendAsLeader(Batches.ofSize(1, 100), 0);
            }
            log.updateHighWatermark(6);
            assertEquals(2, manager.runRetention());
            assertEquals(4, log.logStartOffset());
        }
    }

    @Test
    void foreignDirectoriesAreIgnored() throws Exception {
        Files.createDirectories(tmp.resolve("lost+found"));
        try (LogManager manager = start()) {
            assertTrue(manager.allLogs().isEmpty());
        }
    }

    @Test
    void deleteLogRemovesIt() throws Exception {
        TopicPartition tp = new TopicPartition("gone", 0);
        try (LogManager manager = start()) {
            manager.getOrCreateLog(tp, LogConfig.defaultConfig()).appendAsLeader(Batches.values(1, "x"), 0);
            manager.deleteLog(tp);
            assertFalse(manager.getLog(tp).isPresent());
            assertFalse(Files.exists(tmp.resolve("gone-0")));
        }
        try (LogManager manager = start()) {
            assertTrue(manager.allLogs().isEmpty());
        }
    }
    @Test
    void retentionAndCheckpointsRunOnTheirOwn() throws Exception {
        LogConfig small = LogConfig.fromMap(Map.of(LogConfig.SEGMENT_BYTES, "400", LogConfig.RETENTION_BYTES, "0"));
        TopicPartition tp = new TopicPartition("bg", 1);
        try (LogManager manager = LogManager.start(tmp, LogConfig.defaultConfig(), clock, 20, 20)) {
            PartitionLog log = manager.getOrCreateLog(tp, small);
            for (int i = 0; i < 6; i++) {
                log.appendAsLeader(Batches.values(1, "x".repeat(100)), 0);
            }
            log.updateHighWatermark(6);
            await().atMost(Duration.ofSeconds(20)).until(() -> log.logStartOffset() == 4);
            await().atMost(Duration.ofSeconds(20)).until(() -> checkpointed(LogManager.HIGH_WATERMARK_FILE, "bg 1 6")
                    && checkpointed(LogManager.LOG_START_FILE, "bg 1 4"));
        }
    }

    private boolean checkpointed(String file, String line) throws IOException {
        return CheckpointFile.read(tmp.resolve(file)).contains(line);
    }

    @Test
    void theCheckpointsAreWrittenAtStartAndAtClose() throws Exception {
        TopicPartition tp = new TopicPartition("cp", 0);
        try (LogManager manager = start()) {
            assertEquals(List.of(), CheckpointFile.read(tmp.resolve(LogManager.RECOVERY_POINT_FILE)));
            PartitionLog log = manager.getOrCreateLog(tp, LogConfig.defaultConfig());
            for (String v : List.of("a", "b", "c", "d")) {
                log.appendAsLeader(Batches.values(1, v), 0);
            }
            log.updateHighWatermark(3);
            log.advanceLogStartOffset(2);
        }
        assertEquals(List.of("cp 0 4"), CheckpointFile.read(tmp.resolve(LogManager.RECOVERY_POINT_FILE)));
        assertEquals(List.of("cp 0 3"), CheckpointFile.read(tmp.resolve(LogManager.HIGH_WATERMARK_FILE)));
        assertEquals(List.of("cp 0 2"), CheckpointFile.read(tmp.resolve(LogManager.LOG_START_FILE)));
        try (LogManager manager = start()) {
            PartitionLog log = manager.getLog(tp).orElseThrow();
            assertEquals(2, log.logStartOffset());
            assertEquals(List.of("2:c", "3:d"), Batches.readAll(log, 2));
        }
    }

    @Test
    void aMalformedCheckpointLineFailsTheStartAndLeavesNoThreads() throws Exception {
        CheckpointFile.write(FileAccess.DIRECT, tmp.resolve(LogManager.HIGH_WATERMARK_FILE), List.of("t 0"));
        IOException e = org.junit.jupiter.api.Assertions.assertThrows(IOException.class, this::start);
        assertTrue(e.getMessage().contains("malformed line 't 0'"), e.getMessage());
        String prefix = "log-flusher-" + tmp.getFileName();
        await().atMost(Duration.ofSeconds(10)).until(() -> Thread.getAllStackTraces().keySet().stream()
                .noneMatch(t -> t.getName().startsWith(prefix) && t.isAlive()));
    }

    @Test
    void aLogIsCreatedOnceAndFoundAgain() throws Exception {
        TopicPartition tp = new TopicPartition("once", 3);
        try (LogManager manager = start()) {
            assertTrue(manager.getLog(tp).isEmpty());
            PartitionLog log = manager.getOrCreateLog(tp, LogConfig.defaultConfig());
            log.appendAsLeader(Batches.values(1, "a"), 0);
            assertTrue(log == manager.getOrCreateLog(tp, LogConfig.defaultConfig()));
            assertTrue(log == manager.getLog(tp).orElseThrow());
            assertEquals(List.of(log), manager.allLogs());
            manager.deleteLog(tp);
            manager.deleteLog(tp); // a second time: nothing left to delete
            PartitionLog again = manager.getOrCreateLog(tp, LogConfig.defaultConfig());
            assertEquals(0, again.logEndOffset());
        }
    }

    @Test
    void aFailingListenerDoesNotKeepTheOthersFromHearing() throws Exception {
        List<Long> heard = new java.util.concurrent.CopyOnWriteArrayList<>();
        List<Long> flushNanos = new java.util.concurrent.CopyOnWriteArrayList<>();
        try (LogManager manager = start()) {
            manager.addDurabilityListener((tp, offset) -> {
                throw new IllegalStateException("broken listener");
            });
            manager.addDurabilityListener((tp, offset) -> heard.add(offset));
            manager.observeFlushTimes(flushNanos::add);
            PartitionLog log = manager.getOrCreateLog(new TopicPartition("l", 0), LogConfig.defaultConfig());
            log.appendAsLeader(Batches.values(1, "a", "b"), 0);
            await().atMost(Duration.ofSeconds(20)).until(() -> heard.contains(2L));
            await().atMost(Duration.ofSeconds(20)).until(() -> !flushNanos.isEmpty());
            assertTrue(flushNanos.stream().allMatch(n -> n >= 0));
        }
    }

    @Test
    void theCleanerStartsOnRequestAndStopsWithTheManager() throws Exception {
        try (LogManager manager = start()) {
            assertTrue(manager.cleaner().isEmpty());
            LogCleaner cleaner = manager.startCleaner(CleanerConfig.DEFAULT);
            assertTrue(cleaner == manager.cleaner().orElseThrow());
        }
    }

    @Test
    void aCrashedManagerWritesNoCheckpointAndItsLogsRefuseAppends() throws Exception {
        TopicPartition tp = new TopicPartition("c", 0);
        LogManager manager = start();
        PartitionLog log = manager.getOrCreateLog(tp, LogConfig.defaultConfig());
        log.appendAsLeader(Batches.values(1, "a"), 0);
        log.updateHighWatermark(1);
        manager.crash();
        assertEquals(List.of(), CheckpointFile.read(tmp.resolve(LogManager.HIGH_WATERMARK_FILE)));
        org.junit.jupiter.api.Assertions.assertThrows(IOException.class,
                () -> log.appendAsLeader(Batches.values(1, "b"), 0));
    }
}
