package io.sluice.storage;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sluice.protocol.record.CompressionType;
import io.sluice.protocol.record.RecordBatch;
import io.sluice.protocol.record.RecordBatchBuilder;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * One segment on its own: appends, reads within max bytes, an offset bound and a size limit,
 * timestamp lookups, truncation, and what opening an existing segment trusts or sends to recovery.
 */
@Timeout(30)
class LogSegmentTest {
    private static final LogConfig CONFIG = LogConfig.fromMap(Map.of(LogConfig.INDEX_INTERVAL_BYTES, "100"));

    @TempDir
    Path tmp;
    private final List<LogSegment> opened = new ArrayList<>();

    @AfterEach
    void closeAll() throws IOException {
        for (LogSegment s : opened) {
            s.close();
        }
    }

    private LogSegment create(long base, LogConfig config, long nowMs) throws IOException {
        LogSegment s = LogSegment.create(tmp, base, config, nowMs, FileAccess.DIRECT);
        opened.add(s);
        return s;
    }

    private LogSegment open(long base, boolean trusted, long nowMs) throws IOException {
        LogSegment s = LogSegment.open(tmp, base, CONFIG, nowMs, trusted, FileAccess.DIRECT);
        opened.add(s);
        return s;
    }

    /** One batch of records at {@code offset}, one per timestamp, each value {@code valueSize} bytes. */
    private static ByteBuffer batch(long offset, int valueSize, long... timestamps) {
        RecordBatchBuilder b = new RecordBatchBuilder(CompressionType.NONE).baseOffset(offset);
        for (long ts : timestamps) {
            b.append(ts, null, new byte[valueSize]);
        }
        return b.build();
    }

    private static void append(LogSegment s, long nowMs, ByteBuffer... batches) throws IOException {
        ByteBuffer all = Batches.concat(batches);
        s.append(all, RecordBatch.batchesOf(all.duplicate()), nowMs);
    }

    /** Appends {@code count} one-record batches of 50-byte values from {@code first}, timestamps 1000 + offset. */
    private static List<Integer> appendBatches(LogSegment s, long first, int count) throws IOException {
        List<Integer> sizes = new ArrayList<>();
        for (long o = first; o < first + count; o++) {
            ByteBuffer b = batch(o, 50, 1000 + o);
            sizes.add(b.remaining());
            append(s, 0, b);
        }
        return sizes;
    }

    private static String describe(LogReadResult.FileRange r) {
        return r == null ? null : r.position() + "+" + r.length() + ":" + r.firstOffset() + "-" + r.lastOffset();
    }

    @Test
    void readsWholeBatchesWithinMaxBytesTheOffsetBoundAndTheLimit() throws IOException {
        LogSegment s = create(0, CONFIG, 0);
        List<Integer> sizes = appendBatches(s, 0, 5);
        int b = sizes.get(0); // all five are the same size
        assertEquals(5 * b, s.size());
        assertEquals(5, s.nextOffset());
        assertEquals("0+" + 5 * b + ":0-4", describe(s.read(0, Integer.MAX_VALUE, Long.MAX_VALUE, s.size())));
        assertEquals(2 * b + "+" + 3 * b + ":2-4", describe(s.read(2, Integer.MAX_VALUE, Long.MAX_VALUE, s.size())));
        // Max bytes: exactly two batches, one byte short of two, and less than one (one is still returned).
        assertEquals("0+" + 2 * b + ":0-1", describe(s.read(0, 2 * b, Long.MAX_VALUE, s.size())));
        assertEquals("0+" + b + ":0-0", describe(s.read(0, 2 * b - 1, Long.MAX_VALUE, s.size())));
        assertEquals("0+" + b + ":0-0", describe(s.read(0, 1, Long.MAX_VALUE, s.size())));
        // The offset bound (exclusive), and a first batch already at it.
        assertEquals("0+" + 3 * b + ":0-2", describe(s.read(0, Integer.MAX_VALUE, 3, s.size())));
        assertNull(s.read(3, Integer.MAX_VALUE, 3, s.size()));
        // Only bytes below the limit (what the log published).
        assertEquals("0+" + 2 * b + ":0-1", describe(s.read(0, Integer.MAX_VALUE, Long.MAX_VALUE, 2 * b)));
        assertNull(s.read(2, Integer.MAX_VALUE, Long.MAX_VALUE, 2 * b));
        assertNull(s.read(2, Integer.MAX_VALUE, Long.MAX_VALUE, 2 * b + 10));
        assertNull(s.read(5, Integer.MAX_VALUE, Long.MAX_VALUE, s.size()));
    }

    @Test
    void aBatchOfJustAHeaderFitsWhenMaxBytesLeavesExactlyAHeader() throws IOException {
        LogSegment s = create(0, CONFIG, 0);
        ByteBuffer first = batch(0, 50, 1000);
        int b = first.remaining();
        append(s, 0, first, Batches.empty(1), batch(2, 50, 1002));
        assertEquals("0+" + (b + RecordBatch.HEADER_SIZE) + ":0-1",
                describe(s.read(0, b + RecordBatch.HEADER_SIZE, Long.MAX_VALUE, s.size())));
        assertEquals("0+" + b + ":0-0", describe(s.read(0, b + RecordBatch.HEADER_SIZE - 1, Long.MAX_VALUE, s.size())));
    }

    @Test
    void aReadStartsAtTheOffsetAskedForWhateverTheLastReadWas() throws IOException {
        LogSegment s = create(0, CONFIG, 0);
        int b = appendBatches(s, 0, 6).get(0);
        assertEquals("0+" + 2 * b + ":0-1", describe(s.read(0, 2 * b, Long.MAX_VALUE, s.size())));
        // The next read usually continues where the last ended; other offsets must not use that.
        assertEquals("0+" + b + ":0-0", describe(s.read(0, b, Long.MAX_VALUE, s.size())));
        assertEquals(3 * b + "+" + b + ":3-3", describe(s.read(3, b, Long.MAX_VALUE, s.size())));
        assertEquals(4 * b + "+" + b + ":4-4", describe(s.read(4, b, Long.MAX_VALUE, s.size())));
        // Where the last read ended is beyond a smaller limit: nothing there yet.
        assertNull(s.read(5, b, Long.MAX_VALUE, 4 * b));
    }

    @Test
    void aReadAfterTruncationDoesNotContinueFromBeforeIt() throws IOException {
        LogSegment s = create(0, CONFIG, 0);
        int b = appendBatches(s, 0, 4).get(0);
        assertEquals("0+" + 2 * b + ":0-1", describe(s.read(0, 2 * b, Long.MAX_VALUE, s.size()))); // ends at offset 2
        assertEquals(3 * b, s.truncateTo(1));
        // Offset 1 again, in a larger batch: offset 2 is now inside it, not where it was before.
        append(s, 0, batch(1, 20, 2000, 2001, 2002), batch(4, 50, 2004));
        int three = batch(1, 20, 2000, 2001, 2002).remaining();
        assertEquals(b + "+" + three + ":1-3", describe(s.read(2, 1, Long.MAX_VALUE, s.size())));
    }

    @Test
    void truncationRemovesTheBatchHoldingTheOffsetAndEverythingAfter() throws IOException {
        LogSegment s = create(10, CONFIG, 0);
        append(s, 0, batch(10, 10, 50), batch(11, 10, 90, 95), batch(13, 10, 70));
        int first = batch(10, 10, 50).remaining();
        assertEquals(95, s.maxTimestamp());
        assertEquals(0, s.truncateTo(14));
        assertEquals(14, s.nextOffset());
        int size = s.size();
        assertEquals(size - first, s.truncateTo(12)); // inside the second batch: it goes whole
        assertEquals(first, s.size());
        assertEquals(11, s.nextOffset());
        assertEquals(50, s.maxTimestamp());
        assertEquals(first, Files.size(s.logFile()));
        append(s, 0, batch(11, 10, 60));
        assertEquals(12, s.nextOffset());
        assertEquals(60, s.maxTimestamp());
    }

    @Test
    void findsTheFirstRecordAtOrAfterATimestampAndAMinimumOffset() throws IOException {
        LogSegment s = create(0, CONFIG, 0);
        append(s, 0, batch(0, 60, 100, 300), batch(2, 60, 200, 250), batch(4, 60, 400));
        assertArrayEquals(new long[] {1, 300}, s.findOffsetByTimestamp(300, 0, s.size()));
        assertArrayEquals(new long[] {0, 100}, s.findOffsetByTimestamp(100, 0, s.size()));
        assertArrayEquals(new long[] {1, 300}, s.findOffsetByTimestamp(101, 0, s.size()));
        assertArrayEquals(new long[] {2, 200}, s.findOffsetByTimestamp(150, 2, s.size()));
        assertArrayEquals(new long[] {4, 400}, s.findOffsetByTimestamp(260, 2, s.size()));
        assertArrayEquals(new long[] {4, 400}, s.findOffsetByTimestamp(400, 0, s.size()));
        assertNull(s.findOffsetByTimestamp(401, 0, s.size()));
        // Only below the limit: the last batch is not published yet.
        int twoBatches = batch(0, 60, 100, 300).remaining() + batch(2, 60, 200, 250).remaining();
        assertNull(s.findOffsetByTimestamp(350, 0, twoBatches));
    }

    @Test
    void visitsEveryBatchHeaderInOrder() throws IOException {
        LogSegment s = create(0, CONFIG, 0);
        append(s, 0, batch(0, 10, 5), batch(1, 10, 6, 7), batch(3, 10, 8));
        List<String> seen = new ArrayList<>();
        s.forEachBatchHeader(h -> seen.add(h.baseOffset() + "-" + h.lastOffset() + "@" + h.position()));
        int a = batch(0, 10, 5).remaining();
        int b = batch(1, 10, 6, 7).remaining();
        assertEquals(List.of("0-0@0", "1-2@" + a, "3-3@" + (a + b)), seen);
    }

    @Test
    void readingPastTheEndOfTheFileFails() throws IOException {
        LogSegment s = create(0, CONFIG, 0);
        appendBatches(s, 0, 1);
        assertEquals(s.size(), s.readFully(0, s.size()).remaining());
        assertThrows(IOException.class, () -> s.readFully(0, s.size() + 1));
    }

    @Test
    void ageCountsFromTheFirstAppendOrFromOpeningDataFoundOnDisk() throws IOException {
        LogSegment s = create(0, CONFIG, 1000);
        assertEquals(0, s.ageMs(5000));
        append(s, 1200, batch(0, 10, 1));
        append(s, 1500, batch(1, 10, 1));
        assertEquals(300, s.ageMs(1500));
        assertEquals(3800, s.ageMs(5000));
        s.flush(false);
        s.close();
        opened.remove(s);
        LogSegment reopened = open(0, true, 9000);
        assertEquals(1000, reopened.ageMs(10_000));
        // Created over a file that still had bytes: empty, and young.
        reopened.close();
        opened.remove(reopened);
        LogSegment fresh = create(0, CONFIG, 20_000);
        assertEquals(0, fresh.size());
        assertEquals(0, Files.size(fresh.logFile()));
        assertEquals(0, fresh.ageMs(30_000));
    }

    @Test
    void aTrustedSegmentWithSoundIndexesOpensWithoutRecovery() throws IOException {
        LogSegment s = create(0, CONFIG, 0);
        appendBatches(s, 0, 9); // with index entries every 100 bytes
        append(s, 0, batch(9, 10, 5000), batch(10, 10, 4000));
        int size = s.size();
        s.flush(false);
        s.close();
        opened.remove(s);
        LogSegment reopened = open(0, true, 0);
        assertFalse(reopened.needsRecovery());
        assertEquals(size, reopened.size());
        assertEquals(11, reopened.nextOffset());
        assertEquals(5000, reopened.maxTimestamp());
        assertEquals(List.of(10L), offsetsFound(reopened, 10));
        assertTrue(open(0, false, 0).needsRecovery(), "an untrusted segment is always recovered");
    }

    private static List<Long> offsetsFound(LogSegment s, long offset) throws IOException {
        LogReadResult.FileRange r = s.read(offset, 1, Long.MAX_VALUE, s.size());
        return List.of(r.firstOffset());
    }

    @Test
    void aMissingOrDamagedIndexOrTailSendsTheSegmentToRecovery() throws IOException {
        for (String damage : List.of("index", "timeindex", "tail", "overlap", "negative delta")) {
            Path dir = tmp.resolve(damage.replace(' ', '-'));
            Files.createDirectories(dir);
            LogSegment s = LogSegment.create(dir, 0, CONFIG, 0, FileAccess.DIRECT);
            appendBatches(s, 0, 5);
            s.flush(false);
            s.close();
            switch (damage) {
                case "index" -> Files.delete(dir.resolve(LogSegment.fileName(0, LogSegment.INDEX_SUFFIX)));
                case "timeindex" -> Files.delete(dir.resolve(LogSegment.fileName(0, LogSegment.TIME_INDEX_SUFFIX)));
                case "tail" -> write(dir, ByteBuffer.wrap(new byte[] {1, 2, 3}));
                case "overlap" -> write(dir, batch(4, 10, 1));
                default -> {
                    ByteBuffer bad = batch(5, 10, 1);
                    bad.putInt(RecordBatch.LAST_OFFSET_DELTA_OFFSET, -1);
                    write(dir, bad);
                }
            }
            try (LogSegment reopened = LogSegment.open(dir, 0, CONFIG, 0, true, FileAccess.DIRECT)) {
                assertTrue(reopened.needsRecovery(), damage);
                SegmentScanner.Result r = reopened.recover(0, (batch, pos) -> { });
                assertFalse(reopened.needsRecovery(), damage);
                assertEquals(5, reopened.nextOffset(), damage);
                assertEquals(r.validBytes(), reopened.size(), damage);
                assertEquals(r.validBytes(), Files.size(reopened.logFile()), damage);
                assertEquals(1004, reopened.maxTimestamp(), damage);
            }
        }
    }

    private static void write(Path dir, ByteBuffer bytes) throws IOException {
        try (FileChannel ch = FileChannel.open(dir.resolve(LogSegment.fileName(0, LogSegment.LOG_SUFFIX)),
                StandardOpenOption.WRITE, StandardOpenOption.APPEND)) {
            ch.write(bytes);
        }
    }

    @Test
    void recoveryKeepsTheValidBatchesAndTheirIndexAndTimestamps() throws IOException {
        LogSegment s = create(0, CONFIG, 0);
        appendBatches(s, 0, 8);
        int size = s.size();
        List<Long> seen = new ArrayList<>();
        SegmentScanner.Result r = s.recover(0, (batch, pos) -> seen.add(batch.baseOffset()));
        assertEquals(new SegmentScanner.Result(size, 0, -1, null), r);
        assertEquals(List.of(0L, 1L, 2L, 3L, 4L, 5L, 6L, 7L), seen);
        assertEquals(8, s.nextOffset());
        assertEquals(1007, s.maxTimestamp());
        assertArrayEquals(new long[] {6, 1006}, s.findOffsetByTimestamp(1006, 0, s.size()));
        assertEquals(List.of(5L), offsetsFound(s, 5));
    }

    @Test
    void aFullIndexRollsNothingHereButSaysSo() throws IOException {
        // 64 bytes: 8 entries in each index; an entry for every batch after the first.
        LogConfig tiny = LogConfig.fromMap(Map.of(LogConfig.INDEX_INTERVAL_BYTES, "0",
                LogConfig.SEGMENT_INDEX_BYTES, "64"));
        LogSegment s = create(0, tiny, 0);
        appendBatches(s, 0, 8);
        assertFalse(s.isIndexFull());
        appendBatches(s, 8, 1);
        assertTrue(s.isIndexFull());
        appendBatches(s, 9, 7); // appends go on; only the index stops growing
        assertEquals(16, s.nextOffset());
        for (long o = 0; o < 16; o++) {
            assertEquals(List.of(o), offsetsFound(s, o));
        }
    }
    @Test
    void ageCountsFromTheFirstAppendEvenAtTimeZero() throws IOException {
        LogSegment s = create(0, CONFIG, 0);
        append(s, 0, batch(0, 10, 1));
        append(s, 50, batch(1, 10, 1));
        assertEquals(100, s.ageMs(100));
        s.close();
        opened.remove(s);
        // An existing segment without data: its age starts with its first append, not when it was opened.
        Path emptyDir = tmp.resolve("empty");
        Files.createDirectories(emptyDir);
        LogSegment.create(emptyDir, 0, CONFIG, 0, FileAccess.DIRECT).close();
        try (LogSegment empty = LogSegment.open(emptyDir, 0, CONFIG, 1000, true, FileAccess.DIRECT)) {
            assertEquals(0, empty.ageMs(4000));
            append(empty, 5000, batch(0, 10, 1));
            assertEquals(0, empty.ageMs(5000));
        }
    }

    @Test
    void readsFromTheMiddleCountMaxBytesFromTheirFirstBatch() throws IOException {
        LogSegment s = create(0, CONFIG, 0);
        int b = appendBatches(s, 0, 5).get(0);
        assertEquals(b + "+" + 2 * b + ":1-2", describe(s.read(1, 2 * b, Long.MAX_VALUE, s.size())));
        assertEquals(b + "+" + b + ":1-1", describe(s.read(1, 2 * b - 1, Long.MAX_VALUE, s.size())));
        assertEquals(2 * b + "+" + b + ":2-2", describe(s.read(2, b + RecordBatch.HEADER_SIZE, Long.MAX_VALUE, s.size())));
    }

    @Test
    void aSegmentCreatedOverOldFilesForgetsTheirIndexes() throws IOException {
        LogSegment old = create(0, CONFIG, 0);
        appendBatches(old, 0, 10); // index entries at positions a new, smaller segment does not have
        old.flush(false);
        old.close();
        opened.remove(old);
        LogSegment s = create(0, CONFIG, 0);
        for (long o = 0; o < 10; o++) {
            append(s, 0, batch(o, 1, 2000 + o));
        }
        for (long o = 9; o >= 0; o--) { // downwards: each read looks its offset up in the index
            assertEquals(List.of(o), offsetsFound(s, o));
        }
        assertArrayEquals(new long[] {0, 2000}, s.findOffsetByTimestamp(1005, 0, s.size()));
    }

    @Test
    void recoveryRebuildsADamagedIndex() throws IOException {
        LogSegment s = create(0, CONFIG, 0);
        appendBatches(s, 0, 10);
        s.flush(false);
        s.close();
        opened.remove(s);
        // Every entry now points one byte into its batch.
        try (FileChannel ch = FileChannel.open(tmp.resolve(LogSegment.fileName(0, LogSegment.INDEX_SUFFIX)),
                StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            ByteBuffer entry = ByteBuffer.allocate(OffsetIndex.ENTRY_SIZE);
            for (long at = 0; ; at += OffsetIndex.ENTRY_SIZE) {
                entry.clear();
                ch.read(entry, at);
                if (entry.getInt(0) == 0) {
                    break;
                }
                entry.putInt(4, entry.getInt(4) + 1).clear();
                ch.write(entry, at);
            }
        }
        LogSegment damaged = open(0, false, 0);
        damaged.recover(0, (batch, pos) -> { });
        for (long o = 9; o >= 0; o--) { // downwards: each read looks its offset up in the index
            assertEquals(List.of(o), offsetsFound(damaged, o));
        }
    }

    @Test
    void closingOrDeletingASegmentReleasesItsFile() throws IOException {
        LogSegment s = create(0, CONFIG, 0);
        appendBatches(s, 0, 1);
        FileChannel ch = s.channel();
        s.close();
        opened.remove(s);
        assertFalse(ch.isOpen());
        LogSegment again = LogSegment.open(tmp, 0, CONFIG, 0, true, FileAccess.DIRECT);
        FileChannel ch2 = again.channel();
        again.delete();
        assertFalse(ch2.isOpen());
        assertFalse(Files.exists(again.logFile()));
        assertFalse(Files.exists(tmp.resolve(LogSegment.fileName(0, LogSegment.INDEX_SUFFIX))));
        assertFalse(Files.exists(tmp.resolve(LogSegment.fileName(0, LogSegment.TIME_INDEX_SUFFIX))));
    }
}
