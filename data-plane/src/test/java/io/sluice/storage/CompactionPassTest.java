package io.sluice.storage;

import io.sluice.protocol.TopicPartition;
import io.sluice.protocol.MockTime;
import static io.sluice.storage.Compacted.batch;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sluice.protocol.ErrorCode;
import io.sluice.protocol.record.CompressionType;
import io.sluice.protocol.record.Header;
import io.sluice.protocol.record.Record;
import io.sluice.protocol.record.RecordBatch;
import io.sluice.protocol.record.RecordBatchBuilder;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The cleaner on real segments: one {@link CompactionPass} over a log whose segments are rolled by
 * {@code segment.ms} on a test clock, so each test decides which batches share a segment.
 */
@Timeout(30)
class CompactionPassTest {
    private static final TopicPartition TP = new TopicPartition("kv", 0);
    private static final long ROLL_MS = 1000;

    @TempDir
    Path tmp;
    private final MockTime clock = new MockTime(10_000_000);

    private PartitionLog open(String name) throws IOException {
        return PartitionLog.open(tmp.resolve(name), TP, LogConfig.fromMap(Map.of(LogConfig.CLEANUP_POLICY, "compact",
                LogConfig.SEGMENT_MS, Long.toString(ROLL_MS), LogConfig.DELETE_RETENTION_MS, "10000")), clock, 0,
                null, null);
    }

    /** Appends each batch; {@code null} means "start a new segment with the next batch". */
    private void write(PartitionLog log, ByteBuffer... batches) throws IOException {
        for (ByteBuffer b : batches) {
            if (b == null) {
                clock.sleep(ROLL_MS);
                continue;
            }
            LogAppendResult r = log.appendAsLeader(b, 0);
            assertEquals(ErrorCode.NONE, r.error(), r.errorMessage());
        }
        log.flush();
        log.updateHighWatermark(log.logEndOffset());
    }

    private CompactionPass.Result clean(PartitionLog log, long firstDirty) throws IOException {
        return clean(log, firstDirty, clock.milliseconds());
    }

    /** A pass that runs at {@code nowMs} (the test clock has moved on while segments were rolled). */
    private CompactionPass.Result clean(PartitionLog log, long firstDirty, long nowMs) throws IOException {
        return new CompactionPass(log, new OffsetMap(1 << 20), new Throttler(Double.MAX_VALUE)).run(firstDirty, nowMs);
    }

    private ByteBuffer kv(String... pairs) {
        return batch(CompressionType.NONE, clock.milliseconds(), pairs);
    }

    @Test
    void keepsTheLatestRecordPerKeyAtItsOffsetAndNeverTouchesTheActiveSegment() throws IOException {
        try (PartitionLog log = open("a")) {
            write(log, kv("k1=a1", "k2=b1", "k3=c1"), null, kv("k1=a2"), kv("k2=b2"), null, kv("k1=a3"));
            List<Long> bases = log.segmentBaseOffsets();
            CompactionPass.Result r = clean(log, 0);
            assertEquals(5, r.cleanedUpTo(), "clean up to the active segment's base");
            assertEquals(2, r.recordsRemoved());
            assertEquals(List.of("2 k3=c1", "3 k1=a2", "4 k2=b2", "5 k1=a3"), Compacted.readAll(log));
            assertEquals(bases, log.segmentBaseOffsets(), "segments keep their base offsets");
            assertEquals(6, log.logEndOffset());
            assertEquals(0, log.logStartOffset());
            assertEquals(List.of("2 k3=c1", "3 k1=a2", "4 k2=b2"),
                    Compacted.readAll(log).subList(0, 3), "a read below the first kept offset starts at the next one");
        }
    }

    @Test
    void aCleanedLogReopensWithTheSameContent() throws IOException {
        PartitionLog log = open("a");
        write(log, kv("k1=a1", "k2=b1"), null, kv("k1=a2"), null, kv("k3=x"));
        clean(log, 0);
        List<String> cleaned = Compacted.readAll(log);
        log.close();
        try (PartitionLog reopened = PartitionLog.open(tmp.resolve("a"), TP, log.config(), clock, 0, null, null)) {
            assertEquals(cleaned, Compacted.readAll(reopened));
            assertEquals(List.of("1 k2=b1", "2 k1=a2", "3 k3=x"), cleaned);
        }
    }

    @Test
    void tombstonesRemoveOlderValuesAndGoThemselvesAfterDeleteRetention() throws IOException {
        try (PartitionLog log = open("a")) {
            write(log, kv("k1=v1", "k2=v2"), null, kv("k1="), null, kv("k3=x"));
            long firstDirty = clean(log, 0).cleanedUpTo();
            assertEquals(List.of("1 k2=v2", "2 k1=", "3 k3=x"), Compacted.readAll(log),
                    "the tombstone stays for delete.retention.ms so consumers see the delete");
            clock.sleep(10_000);
            write(log, null, kv("k2=v3"), null, kv("k4=y"));
            clean(log, firstDirty);
            assertEquals(List.of("3 k3=x", "4 k2=v3", "5 k4=y"), Compacted.readAll(log));
            assertEquals(Map.of("k2", "v3", "k3", "x", "k4", "y"), Compacted.latest(log));
        }
    }

    /**
     * KIP-534: the first pass that keeps a tombstone stamps its batch with a delete horizon (bit 6 of
     * the attributes, the horizon in the base timestamp); the records keep their timestamps.
     */
    @Test
    void theFirstPassStampsTheDeleteHorizonOnABatchKeepingATombstone() throws IOException {
        try (PartitionLog log = open("a")) {
            long written = clock.milliseconds(); // every batch's timestamp: kv() runs before write() rolls
            write(log, kv("k1=v1", "k2=v2"), null, kv("k1=", "k3=z"), kv("k5=w"), null, kv("k4=x"));
            clock.sleep(5_000);
            long passAt = clock.milliseconds();
            clean(log, 0);
            List<RecordBatch> batches = Compacted.batches(log);
            RecordBatch first = batches.get(0);
            assertTrue(!first.hasDeleteHorizon(), "a batch without tombstones gets no horizon");
            RecordBatch withTombstone = batches.get(1);
            assertTrue(withTombstone.hasDeleteHorizon());
            assertEquals(passAt + 10_000, withTombstone.deleteHorizonMs(), "the pass's time plus delete.retention.ms");
            assertEquals(List.of(written, written), withTombstone.recordList().stream().map(Record::timestamp).toList(),
                    "timestamp deltas are re-encoded against the horizon: record timestamps do not move");
            assertEquals(written, withTombstone.maxTimestamp());
            assertTrue(!batches.get(2).hasDeleteHorizon(), "a batch without tombstones keeps its bytes");
            assertEquals(List.of("1 k2=v2", "2 k1=", "3 k3=z", "4 k5=w", "5 k4=x"), Compacted.readAll(log));
        }
    }

    /**
     * The horizon is counted from the first pass, not from the producer's timestamp: a tombstone with a
     * CreateTime far in the past stays {@code delete.retention.ms} after the pass that first saw it,
     * and a later pass keeps the horizon it found instead of moving it.
     */
    @Test
    void aTombstoneStaysForDeleteRetentionAfterTheFirstPassWhateverItsTimestamp() throws IOException {
        try (PartitionLog log = open("a")) {
            long ancient = clock.milliseconds() - 1_000_000;
            write(log, kv("k1=v1"), null, batch(CompressionType.NONE, ancient, "k1="), null, kv("k2=a"));
            long firstPass = clock.milliseconds();
            long firstDirty = clean(log, 0).cleanedUpTo();
            assertEquals(List.of("1 k1=", "2 k2=a"), Compacted.readAll(log),
                    "kept although its batch is far older than delete.retention.ms");
            write(log, null, kv("k2=b"), null, kv("k9=z"));
            firstDirty = clean(log, firstDirty, firstPass + 9_999).cleanedUpTo();
            assertEquals(List.of("1 k1=", "3 k2=b", "4 k9=z"), Compacted.readAll(log), "one ms before the horizon");
            assertEquals(firstPass + 10_000, Compacted.batches(log).get(0).deleteHorizonMs(), "the horizon did not move");
            write(log, null, kv("k2=c"), null, kv("k8=y"));
            clean(log, firstDirty, firstPass + 10_000);
            assertEquals(List.of("4 k9=z", "5 k2=c", "6 k8=y"), Compacted.readAll(log), "at the horizon it goes");
        }
    }

    /** A compressed batch is stamped too: decompressed, records re-encoded, compressed with its codec. */
    @ParameterizedTest
    @EnumSource(CompressionType.class)
    void compressedBatchesGetTheHorizonWithTheirCodec(CompressionType codec) throws IOException {
        try (PartitionLog log = open("a")) {
            long written = clock.milliseconds();
            write(log, batch(codec, written, "k1=a", "k2=", "k3=c"), null, kv("k9=z"));
            clean(log, 0);
            RecordBatch b = Compacted.batches(log).get(0);
            assertEquals(codec, b.compressionType());
            assertEquals(clock.milliseconds() + 10_000, b.deleteHorizonMs());
            assertEquals(List.of(written, written, written), b.recordList().stream().map(Record::timestamp).toList());
            assertEquals(List.of("0 k1=a", "1 k2=", "2 k3=c", "3 k9=z"), Compacted.readAll(log));
        }
    }

    /**
     * A replica decides from the bytes it holds: a follower that fetched a batch the leader's cleaner
     * had stamped removes the tombstone at the leader's horizon, not one of its own.
     */
    @Test
    void aFollowerHonoursTheHorizonStampedInTheBatchesItFetched() throws IOException {
        try (PartitionLog leader = open("leader"); PartitionLog follower = open("follower")) {
            write(leader, kv("k1=v1"), null, kv("k1="), null, kv("k2=a"));
            long stampedAt = clock.milliseconds();
            clean(leader, 0);
            for (RecordBatch b : Compacted.batches(leader)) {
                LogAppendResult r = follower.appendAsFollower(b.buffer());
                assertEquals(ErrorCode.NONE, r.error(), r.errorMessage());
            }
            clock.sleep(ROLL_MS);
            write(follower, kv("k3=b"), null, kv("k4=c"));
            assertEquals(stampedAt + 10_000, Compacted.batches(follower).get(0).deleteHorizonMs());
            clean(follower, 0, stampedAt + 9_999);
            assertEquals(List.of("1 k1=", "2 k2=a", "3 k3=b", "4 k4=c"), Compacted.readAll(follower),
                    "before the leader's horizon (a fresh horizon of the follower's would be later still)");
            clean(follower, 0, stampedAt + 10_000);
            assertEquals(List.of("2 k2=a", "3 k3=b", "4 k4=c"), Compacted.readAll(follower),
                    "at the leader's horizon, although the follower never stamped it itself");
        }
    }

    @Test
    void recordHeadersSurviveARewrite() throws IOException {
        try (PartitionLog log = open("a")) {
            ByteBuffer withHeader = new RecordBatchBuilder(CompressionType.NONE)
                    .append(clock.milliseconds(), Compacted.bytes("k1"), Compacted.bytes("v1"),
                            new Header("trace", Compacted.bytes("abc")), new Header("empty", null))
                    .append(clock.milliseconds(), Compacted.bytes("k2"), Compacted.bytes("old"))
                    .build();
            write(log, withHeader, null, kv("k2=new"), null, kv("k9=z"));
            clean(log, 0);
            RecordBatch first = Compacted.batches(log).get(0);
            assertEquals(1, first.recordCount());
            assertEquals(1, first.lastOffsetDelta(), "the batch keeps its offset range");
            Record r = first.recordList().get(0);
            assertEquals(0, r.offset());
            assertEquals(List.of("trace", "empty"), r.headers().stream().map(Header::key).toList());
            assertArrayEquals(Compacted.bytes("abc"), r.headers().get(0).value());
            assertEquals(null, r.headers().get(1).value());
        }
    }

    @ParameterizedTest
    @EnumSource(CompressionType.class)
    void compressedBatchesAreRecompressedWithTheirCodec(CompressionType codec) throws IOException {
        try (PartitionLog log = open("a")) {
            write(log, batch(codec, clock.milliseconds(), "k1=a", "k2=b", "k3=c", "k4=d"), null,
                    batch(codec, clock.milliseconds(), "k2=b2", "k4="), null, kv("k5=e"));
            clean(log, 0);
            List<RecordBatch> batches = Compacted.batches(log);
            assertEquals(codec, batches.get(0).compressionType());
            assertEquals(2, batches.get(0).recordCount());
            assertEquals(List.of("0 k1=a", "2 k3=c", "4 k2=b2", "5 k4=", "6 k5=e"), Compacted.readAll(log));
        }
    }

    @Test
    void idempotentProducerStateSurvivesCleaningAndARestart() throws IOException {
        PartitionLog log = open("a");
        long pid = 7;
        short epoch = 0;
        write(log, idempotent(pid, epoch, 0, "k1=a", "k2=b"), null, idempotent(pid, epoch, 2, "k1=c", "k2=d"),
                null, kv("k1=e", "k2=f"), null, kv("k3=g"));
        CompactionPass.Result r = clean(log, 0);
        assertEquals(6, r.cleanedUpTo());
        List<RecordBatch> batches = Compacted.batches(log);
        assertEquals(3, batches.size(), "the producer's older batch is dropped, its last one kept empty");
        RecordBatch empty = batches.get(0);
        assertEquals(0, empty.recordCount());
        assertEquals(2, empty.baseOffset());
        assertEquals(3, empty.lastOffset());
        assertEquals(pid, empty.producerId());
        assertEquals(2, empty.baseSequence());
        assertEquals(3, empty.lastSequence());
        assertEquals(List.of("4 k1=e", "5 k2=f", "6 k3=g"), Compacted.readAll(log));
        log.close();

        try (PartitionLog reopened = PartitionLog.open(tmp.resolve("a"), TP, log.config(), clock, 0, null, null)) {
            assertEquals(List.of(new ActiveProducer(pid, epoch, 3, empty.maxTimestamp())), reopened.activeProducers());
            LogAppendResult retry = reopened.appendAsLeader(idempotent(pid, epoch, 2, "k1=c", "k2=d"), 0);
            assertTrue(retry.duplicate(), "a retry of the emptied batch is still recognised");
            assertEquals(2, retry.firstOffset());
            LogAppendResult next = reopened.appendAsLeader(idempotent(pid, epoch, 4, "k1=h"), 0);
            assertEquals(ErrorCode.NONE, next.error(), next.errorMessage());
        }
    }

    @Test
    void batchesEmptiedWithoutProducerStateAreDroppedAndWholeSegmentsMayEmpty() throws IOException {
        try (PartitionLog log = open("a")) {
            write(log, kv("k1=a"), kv("k2=b"), null, kv("k1=c", "k2=d"), null, kv("k3=x"));
            clean(log, 0);
            assertEquals(List.of(0L, 2L, 4L), log.segmentBaseOffsets());
            assertEquals(0, Files.size(tmp.resolve("a").resolve(LogSegment.fileName(0, LogSegment.LOG_SUFFIX))));
            assertEquals(List.of("2 k1=c", "3 k2=d", "4 k3=x"), Compacted.readAll(log));
            assertEquals(2, log.read(0, 1000, Long.MAX_VALUE).range().firstOffset(), "a read in the hole skips it");
        }
    }

    @Test
    void onlyReplicatedAndFsyncedSegmentsAreCleaned() throws IOException {
        try (PartitionLog log = open("a")) {
            write(log, kv("k1=a"), null, kv("k1=b"), null, kv("k1=c"));
            log.updateHighWatermark(0);
            assertEquals(0, clean(log, 0).cleanedUpTo(), "the first segment is not wholly replicated");
            log.updateHighWatermark(1);
            assertEquals(1, clean(log, 0).cleanedUpTo());
            assertEquals(List.of("0 k1=a", "1 k1=b", "2 k1=c"), Compacted.readAll(log),
                    "k1=a's successor lies beyond the mapped section");
        }
    }

    @Test
    void replicasWithTheSameSegmentsCleanToTheSameBytes() throws IOException {
        PartitionLog a = open("a");
        PartitionLog b = open("b");
        for (PartitionLog log : List.of(a, b)) {
            clock.sleep(-3 * ROLL_MS);
            write(log, batch(CompressionType.ZSTD, clock.milliseconds(), "k1=a", "k2=b", "k3="), null, kv("k1=c"),
                    null, kv("k2="), null, kv("k4=d"));
            clean(log, 0);
        }
        a.close();
        b.close();
        for (long base : a.segmentBaseOffsets()) {
            String name = LogSegment.fileName(base, LogSegment.LOG_SUFFIX);
            assertArrayEquals(Files.readAllBytes(tmp.resolve("a").resolve(name)),
                    Files.readAllBytes(tmp.resolve("b").resolve(name)), name);
        }
    }

    private ByteBuffer idempotent(long pid, short epoch, int seq, String... pairs) {
        RecordBatchBuilder b = new RecordBatchBuilder(CompressionType.NONE).idempotent(pid, epoch, seq);
        for (String p : pairs) {
            String[] kv = p.split("=", 2);
            b.append(clock.milliseconds(), Compacted.bytes(kv[0]), Compacted.bytes(kv[1]));
        }
        return b.build();
    }
}
