package io.sluice.storage;

import io.sluice.protocol.TopicPartition;
import io.sluice.protocol.MockTime;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sluice.protocol.record.CompressionType;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The cleaner of a data directory: which logs it picks, its checkpoint across restarts, its thread. */
@Timeout(60)
class LogCleanerTest {
    private static final TopicPartition KV = new TopicPartition("kv", 0);
    private static final TopicPartition PLAIN = new TopicPartition("plain", 0);
    private static final CleanerConfig MANUAL = new CleanerConfig(false, 1, Double.MAX_VALUE, 15_000, 1 << 20);

    @TempDir
    Path tmp;
    private final MockTime clock = new MockTime(1_000_000);

    private LogManager start() throws IOException {
        return LogManager.start(tmp, LogConfig.defaultConfig(), clock, 3_600_000, 3_600_000);
    }

    private static LogConfig config(String policy, String ratio) {
        return LogConfig.fromMap(Map.of(LogConfig.CLEANUP_POLICY, policy, LogConfig.SEGMENT_MS, "1000",
                LogConfig.MIN_CLEANABLE_DIRTY_RATIO, ratio));
    }

    /** Three segments of the same keys, then an active one. */
    private void fill(PartitionLog log, String... values) throws IOException {
        for (String v : values) {
            log.appendAsLeader(Compacted.batch(CompressionType.NONE, clock.milliseconds(), "a=" + v, "b=" + v), 0);
            clock.sleep(1000);
        }
        log.appendAsLeader(Compacted.batch(CompressionType.NONE, clock.milliseconds(), "c=active"), 0);
        log.flush();
        log.updateHighWatermark(log.logEndOffset());
    }

    @Test
    void cleansOnlyCompactedLogsAndRemembersWhereItStoppedAcrossARestart() throws IOException {
        try (LogManager manager = start()) {
            PartitionLog kv = manager.getOrCreateLog(KV, config("compact", "0.5"));
            PartitionLog plain = manager.getOrCreateLog(PLAIN, config("delete", "0.5"));
            fill(kv, "1", "2", "3");
            fill(plain, "1", "2", "3");
            LogCleaner cleaner = manager.startCleaner(MANUAL);
            assertEquals(new LogCleaner.Progress(1.0, 0, 0, 0), cleaner.progress(kv).orElseThrow());
            assertTrue(cleaner.cleanOnce());
            assertFalse(cleaner.cleanOnce(), "nothing dirty is left, and the delete-policy log is never cleaned");
            assertEquals(List.of("4 a=3", "5 b=3", "6 c=active"), Compacted.readAll(kv));
            assertEquals(7, Compacted.readAll(plain).size(), "untouched");
            assertEquals(new LogCleaner.Progress(0.0, 6, 1, 4), cleaner.progress(kv).orElseThrow());
            assertTrue(cleaner.progress(plain).isEmpty());
        }
        try (LogManager manager = start()) {
            PartitionLog kv = manager.getLog(KV).orElseThrow();
            kv.updateConfig(config("compact", "0.5"));
            kv.updateHighWatermark(kv.logEndOffset());
            LogCleaner cleaner = manager.startCleaner(MANUAL);
            assertEquals(6, cleaner.progress(kv).orElseThrow().firstDirtyOffset(), "the checkpoint survived");
            assertFalse(cleaner.cleanOnce());
        }
    }

    @Test
    void waitsForTheDirtyRatioUnlessMaxCompactionLagIsExceeded() throws IOException {
        try (LogManager manager = start()) {
            PartitionLog kv = manager.getOrCreateLog(KV, config("compact", "0.5"));
            fill(kv, "1", "2", "3", "4");
            LogCleaner cleaner = manager.startCleaner(MANUAL);
            assertTrue(cleaner.cleanOnce());
            clock.sleep(-1000); // the active segment is less than segment.ms old: the next append stays in it
            kv.appendAsLeader(Compacted.batch(CompressionType.NONE, clock.milliseconds(), "a=5"), 0);
            clock.sleep(2000);
            kv.appendAsLeader(Compacted.batch(CompressionType.NONE, clock.milliseconds(), "d=1"), 0); // rolls
            kv.flush();
            kv.updateHighWatermark(kv.logEndOffset());
            kv.updateConfig(config("compact", "0.99"));
            double ratio = cleaner.progress(kv).orElseThrow().dirtyRatio();
            assertTrue(ratio > 0 && ratio < 0.99, "ratio " + ratio);
            assertFalse(cleaner.cleanOnce(), "below min.cleanable.dirty.ratio");
            kv.updateConfig(kv.config().with(Map.of(LogConfig.MAX_COMPACTION_LAG_MS, "1")));
            assertTrue(cleaner.cleanOnce(), "max.compaction.lag.ms overrides the ratio");
            assertEquals(Map.of("a", "5", "b", "4", "c", "active", "d", "1"), Compacted.latest(kv));
            assertTrue(Compacted.readAll(kv).stream().noneMatch(r -> r.endsWith("a=4")), "a=4 was cleaned away");
        }
    }

    @Test
    void theBackgroundThreadCleansOnItsOwn() throws IOException {
        try (LogManager manager = start()) {
            PartitionLog kv = manager.getOrCreateLog(KV, config("compact", "0.5"));
            fill(kv, "1", "2", "3");
            manager.startCleaner(new CleanerConfig(true, 2, 1_000_000, 10, 1 << 20));
            await().atMost(Duration.ofSeconds(30))
                    .until(() -> Compacted.readAll(kv).equals(List.of("4 a=3", "5 b=3", "6 c=active")));
        }
    }
}
