package io.sluice.storage;

import io.sluice.protocol.TopicPartition;
import io.sluice.protocol.MockTime;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sluice.protocol.ErrorCode;
import io.sluice.protocol.record.CompressionType;
import io.sluice.protocol.record.RecordBatch;
import io.sluice.protocol.record.RecordBatchBuilder;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import java.util.zip.CRC32C;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The compaction settings of a log, and what a compacted log refuses on append. */
@Timeout(30)
class CompactedTopicConfigTest {
    private static final TopicPartition TP = new TopicPartition("kv", 0);
    @TempDir
    Path tmp;
    private final MockTime clock = new MockTime(10_000_000);

    @Test
    void compactionKeysHaveKafkasDefaults() {
        LogConfig c = LogConfig.defaultConfig();
        assertEquals(LogConfig.CleanupPolicy.DELETE, c.cleanupPolicy());
        assertEquals(86_400_000L, c.deleteRetentionMs());
        assertEquals(0.5, c.minCleanableDirtyRatio());
        assertEquals(0, c.minCompactionLagMs());
        assertEquals(Long.MAX_VALUE, c.maxCompactionLagMs());
    }

    @Test
    void cleanupPolicyIsAListOfDeleteAndCompact() {
        assertEquals(new LogConfig.CleanupPolicy(true, false),
                LogConfig.fromMap(Map.of(LogConfig.CLEANUP_POLICY, "compact")).cleanupPolicy());
        LogConfig both = LogConfig.fromMap(Map.of(LogConfig.CLEANUP_POLICY, "delete, compact"));
        assertEquals(new LogConfig.CleanupPolicy(true, true), both.cleanupPolicy());
        assertEquals("compact,delete", both.toMap().get(LogConfig.CLEANUP_POLICY));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> LogConfig.fromMap(Map.of(LogConfig.CLEANUP_POLICY, "compacted")));
        assertTrue(e.getMessage().contains("'compacted'") && e.getMessage().contains("cleanup.policy"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> LogConfig.fromMap(Map.of(LogConfig.CLEANUP_POLICY, "")));
        assertThrows(IllegalArgumentException.class,
                () -> LogConfig.fromMap(Map.of(LogConfig.MIN_CLEANABLE_DIRTY_RATIO, "1.5")));
        assertThrows(IllegalArgumentException.class,
                () -> LogConfig.fromMap(Map.of(LogConfig.MIN_CLEANABLE_DIRTY_RATIO, "NaN")));
        assertThrows(IllegalArgumentException.class, () -> LogConfig.fromMap(Map.of(LogConfig.DELETE_RETENTION_MS, "-1")));
        assertThrows(IllegalArgumentException.class, () -> LogConfig.fromMap(Map.of(LogConfig.MAX_COMPACTION_LAG_MS, "0")));
    }

    @ParameterizedTest
    @EnumSource(CompressionType.class)
    void aCompactedLogRefusesRecordsWithoutKeyAndWritesNothing(CompressionType codec) throws IOException {
        try (PartitionLog log = open("compact")) {
            ByteBuffer batch = new RecordBatchBuilder(codec)
                    .append(1, bytes("k"), bytes("v"))
                    .append(1, null, bytes("no key"))
                    .build();
            LogAppendResult r = log.appendAsLeader(batch, 0);
            assertEquals(ErrorCode.INVALID_RECORD, r.error());
            assertTrue(r.errorMessage().contains("Compacted topic cannot accept message without key"), r.errorMessage());
            assertEquals(0, log.logEndOffset());
            ByteBuffer keyed = new RecordBatchBuilder(codec).append(1, bytes("k"), null).build();
            assertEquals(ErrorCode.NONE, log.appendAsLeader(keyed, 0).error(), "a tombstone has a key");
        }
    }

    /** KIP-534's delete-horizon bit is the cleaner's: a producer setting it could expire tombstones at will. */
    @Test
    void aProducedBatchWithTheDeleteHorizonBitIsRefused() throws IOException {
        try (PartitionLog log = open("compact")) {
            ByteBuffer batch = new RecordBatchBuilder(CompressionType.NONE).append(1, bytes("k"), null).build();
            short attributes = batch.getShort(RecordBatch.ATTRIBUTES_OFFSET);
            batch.putShort(RecordBatch.ATTRIBUTES_OFFSET, (short) (attributes | RecordBatch.DELETE_HORIZON_MASK));
            CRC32C crc = new CRC32C();
            crc.update(batch.duplicate().position(RecordBatch.ATTRIBUTES_OFFSET));
            batch.putInt(RecordBatch.CRC_OFFSET, (int) crc.getValue());
            LogAppendResult r = log.appendAsLeader(batch, 0);
            assertEquals(ErrorCode.INVALID_RECORD, r.error());
            assertTrue(r.errorMessage().contains("delete horizon"), r.errorMessage());
            assertEquals(0, log.logEndOffset());
        }
    }

    @Test
    void keylessRecordsAreFineUnderDeleteAndAfterSwitchingBack() throws IOException {
        try (PartitionLog log = open("delete")) {
            assertEquals(ErrorCode.NONE, log.appendAsLeader(Batches.values(1, "a"), 0).error());
            log.updateConfig(log.config().with(Map.of(LogConfig.CLEANUP_POLICY, "compact,delete")));
            assertEquals(ErrorCode.INVALID_RECORD, log.appendAsLeader(Batches.values(1, "b"), 0).error());
        }
    }

    @Test
    void retentionDeletesNothingUnderCompactOnly() throws IOException {
        try (PartitionLog log = open("compact")) {
            log.updateConfig(log.config().with(Map.of(LogConfig.SEGMENT_BYTES, "200", LogConfig.RETENTION_MS, "1")));
            for (int i = 0; i < 6; i++) {
                log.appendAsLeader(new RecordBatchBuilder(CompressionType.NONE)
                        .append(1, bytes("k" + i), new byte[100]).build(), 0);
            }
            log.updateHighWatermark(log.logEndOffset());
            assertTrue(log.numberOfSegments() > 2);
            assertEquals(0, log.deleteOldSegments(clock.milliseconds()));
            log.updateConfig(log.config().with(Map.of(LogConfig.CLEANUP_POLICY, "compact,delete")));
            assertFalse(log.deleteOldSegments(clock.milliseconds()) == 0, "compact,delete also applies retention");
        }
    }

    private PartitionLog open(String policy) throws IOException {
        return PartitionLog.open(tmp.resolve(TP.dirName()), TP,
                LogConfig.fromMap(Map.of(LogConfig.CLEANUP_POLICY, policy)), clock, 0, null, null);
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
