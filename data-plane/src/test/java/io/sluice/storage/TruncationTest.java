package io.sluice.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sluice.protocol.ErrorCode;
import io.sluice.protocol.TopicPartition;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import io.sluice.protocol.Time;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Truncation, full truncation, the log start moving up and epochs assigned at the end, on logs of
 * several small segments: what is removed is gone from the files too, what remains is readable and
 * appendable, producer state and epochs follow. Written for the survivors PIT found in {@link PartitionLog}.
 */
@Timeout(30)
class TruncationTest {
    private static final TopicPartition TP = new TopicPartition("t", 0);
    private static final LogConfig SMALL = LogConfig.fromMap(Map.of(LogConfig.SEGMENT_BYTES, "400",
            LogConfig.FLUSH_POLICY, "interval"));

    @TempDir
    Path tmp;
    private final SimulatedDisk disk = new SimulatedDisk();
    private PartitionLog log;

    @AfterEach
    void close() throws IOException {
        if (log != null && !log.isClosed()) {
            log.close();
        }
    }

    private PartitionLog open() throws IOException {
        log = PartitionLog.open(tmp.resolve(TP.dirName()), TP, SMALL, Time.SYSTEM, 0, null, null, disk);
        return log;
    }

    private List<String> append(String prefix, int batches, int epoch) throws IOException {
        List<String> written = new ArrayList<>();
        for (int i = 0; i < batches; i++) {
            String value = prefix + i + "-" + "x".repeat(100);
            LogAppendResult r = log.appendAsLeader(Batches.values(i, value), epoch);
            assertTrue(r.succeeded(), r.errorMessage());
            written.add(r.firstOffset() + ":" + value);
        }
        return written;
    }

    /** The .log files; and every segment file (log and both indexes) belongs to a live segment. */
    private List<Path> segmentFiles() throws IOException {
        List<Path> all;
        try (Stream<Path> files = Files.list(log.dir())) {
            all = files.filter(p -> p.toString().matches(".*/\\d{20}\\.(log|index|timeindex)")).sorted().toList();
        }
        for (Path p : all) {
            long base = Long.parseLong(p.getFileName().toString().substring(0, 20));
            assertTrue(log.segmentBaseOffsets().contains(base), p + " belongs to no segment");
        }
        assertEquals(3 * log.numberOfSegments(), all.size(), "a log and two indexes per segment: " + all);
        return all.stream().filter(p -> p.toString().endsWith(".log")).toList();
    }

    @Test
    void truncatingInsideAnOlderSegmentRemovesTheLaterOnesAndAppendsContinueThere() throws IOException {
        open();
        List<String> kept = append("a", 3, 0);
        append("b", 7, 1);
        assertTrue(log.numberOfSegments() >= 3, "small segments: " + log.numberOfSegments());
        log.updateHighWatermark(log.logEndOffset());
        log.flush();

        log.truncateTo(3);
        assertEquals(3, log.logEndOffset());
        assertEquals(3, log.highWatermark(), "lowered to the new end");
        assertEquals(3, log.durableEndOffset());
        assertEquals(3, log.recoveryPoint());
        assertEquals(0, log.latestEpoch(), "epoch 1 started at 3 and is gone");
        assertEquals(log.numberOfSegments(), segmentFiles().size(), "removed segments' files are deleted");
        assertEquals(kept, Batches.readAll(log, 0));

        kept.addAll(append("c", 2, 2));
        assertEquals(kept, Batches.readAll(log, 0));
        log.flush();
        log.close();
        assertEquals(kept, Batches.readAll(open(), 0), "and so it is after a restart");
    }

    @Test
    void truncatingAtTheEndDropsOnlyAnEpochAssignedThereWithoutData() throws IOException {
        open();
        append("a", 2, 0);
        assertEquals(2, log.assignEpochAtEnd(3), "recorded at the log end");
        assertEquals(3, log.latestEpoch());
        assertEquals(new EpochEndOffset(0, 2), log.endOffsetForEpoch(0));
        log.truncateTo(2);
        assertEquals(2, log.logEndOffset());
        assertEquals(0, log.latestEpoch());
    }

    @Test
    void aRetriedBatchWhoseFirstCopyWasTruncatedIsWrittenAgain() throws IOException {
        open();
        for (int seq = 0; seq < 3; seq++) {
            assertEquals(ErrorCode.NONE, log.appendAsLeader(Batches.idempotent(7, (short) 0, seq, 1), 0).error());
        }
        log.truncateTo(2); // the batch of sequence 2 was never replicated
        LogAppendResult retried = log.appendAsLeader(Batches.idempotent(7, (short) 0, 2, 1), 1);
        assertEquals(ErrorCode.NONE, retried.error());
        assertFalse(retried.duplicate(), "the producer state forgot the truncated batch");
        assertEquals(2, retried.firstOffset());
        assertEquals(3, log.logEndOffset());
    }

    @Test
    void truncatingFullyDeletesEveryFileAndRestartsEmptyAtTheOffset() throws IOException {
        open();
        append("a", 6, 2);
        List<Path> before = segmentFiles();
        log.truncateFullyAndStartAt(100);
        assertEquals(100, log.logStartOffset());
        assertEquals(100, log.logEndOffset());
        assertEquals(100, log.highWatermark());
        assertEquals(-1, log.latestEpoch());
        assertEquals(1, segmentFiles().size());
        before.forEach(p -> assertFalse(Files.exists(p), p + " is deleted"));
        assertTrue(log.read(100, 1 << 20, Long.MAX_VALUE).isEmpty());
        assertEquals(ErrorCode.OFFSET_OUT_OF_RANGE, log.read(99, 1 << 20, Long.MAX_VALUE).error());
        assertEquals(List.of("100:n0-" + "x".repeat(100)), append("n", 1, 3));
    }

    @Test
    void movingTheLogStartDeletesTheSegmentsWhollyBelowIt() throws IOException {
        open();
        append("a", 10, 0);
        log.updateHighWatermark(log.logEndOffset());
        List<Long> bases = log.segmentBaseOffsets();
        long start = bases.get(2) + 1; // inside the third segment
        assertEquals(start, log.advanceLogStartOffset(start));
        assertEquals(bases.subList(2, bases.size()), log.segmentBaseOffsets());
        assertEquals(log.numberOfSegments(), segmentFiles().size(), "the files of the deleted segments are gone");
        assertEquals(start, log.advanceLogStartOffset(start - 1), "never moves back");
        assertEquals(start, log.advanceLogStartOffset(start), "the same offset changes nothing");
        assertEquals(ErrorCode.OFFSET_OUT_OF_RANGE, log.read(start - 1, 1 << 20, Long.MAX_VALUE).error());
    }

    @Test
    void aFlushAfterARollMakesTheOlderSegmentsDurableToo() throws IOException {
        open();
        List<String> written = append("a", 8, 0);
        assertTrue(log.numberOfSegments() > 1);
        long durable = log.flush();
        assertEquals(log.logEndOffset(), durable);
        assertEquals(durable, log.flush(), "nothing new: the same durable end");
        disk.powerOff();
        log.abandon();
        disk.powerOn(SimulatedDisk.Loss.UNSYNCED_DROPPED, new Random(1));
        log = PartitionLog.open(tmp.resolve(TP.dirName()), TP, SMALL, Time.SYSTEM, durable, null, null, disk);
        assertEquals(written, Batches.readAll(log, 0));
    }
}
