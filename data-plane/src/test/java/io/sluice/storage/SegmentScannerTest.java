package io.sluice.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sluice.protocol.record.CompressionType;
import io.sluice.protocol.record.RecordBatch;
import io.sluice.protocol.record.RecordBatchBuilder;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The recovery scan on its own: which batches of a segment file it keeps, where it stops, and what
 * it reports about the rest (the loader logs it and truncates the file there).
 */
@Timeout(30)
class SegmentScannerTest {
    @TempDir
    Path tmp;

    /** A batch of {@code records} records of {@code valueSize} bytes at {@code baseOffset}. */
    private static ByteBuffer batch(long baseOffset, int records, int valueSize) {
        RecordBatchBuilder b = new RecordBatchBuilder(CompressionType.NONE).baseOffset(baseOffset);
        for (int i = 0; i < records; i++) {
            b.append(1000 + i, null, new byte[valueSize]);
        }
        return b.build();
    }

    private FileChannel file(ByteBuffer... parts) throws IOException {
        FileChannel ch = FileChannel.open(tmp.resolve("s.log"), StandardOpenOption.CREATE, StandardOpenOption.READ,
                StandardOpenOption.WRITE);
        ByteBuffer all = Batches.concat(parts);
        while (all.hasRemaining()) {
            ch.write(all);
        }
        return ch;
    }

    /** The scan's result, and each batch handed over as "position:baseOffset-lastOffset". */
    private record Scan(SegmentScanner.Result result, List<String> seen) {
    }

    private static Scan scan(FileChannel ch, long expectedFirstOffset) throws IOException {
        List<String> seen = new ArrayList<>();
        SegmentScanner.Result r = SegmentScanner.scan(ch, expectedFirstOffset,
                (b, pos) -> seen.add(pos + ":" + b.baseOffset() + "-" + b.lastOffset()));
        return new Scan(r, seen);
    }

    @Test
    void aWholeFileIsKeptAndReportsNothingDropped() throws IOException {
        ByteBuffer a = batch(5, 3, 10);
        ByteBuffer b = batch(8, 1, 10);
        ByteBuffer c = batch(20, 2, 10); // a gap, as compaction leaves: offsets only have to increase
        try (FileChannel ch = file(a, b, c)) {
            Scan s = scan(ch, 5);
            int total = a.remaining() + b.remaining() + c.remaining();
            assertEquals(new SegmentScanner.Result(total, 0, -1, null), s.result());
            assertEquals(List.of("0:5-7", a.remaining() + ":8-8", (a.remaining() + b.remaining()) + ":20-21"), s.seen());
        }
    }

    @Test
    void anEmptyFileHasNothingToScan() throws IOException {
        try (FileChannel ch = file()) {
            Scan s = scan(ch, 0);
            assertEquals(new SegmentScanner.Result(0, 0, -1, null), s.result());
            assertTrue(s.seen().isEmpty());
        }
    }

    @Test
    void aTailShorterThanAHeaderIsATornHeader() throws IOException {
        ByteBuffer a = batch(0, 2, 10);
        try (FileChannel ch = file(a, ByteBuffer.wrap(new byte[RecordBatch.HEADER_SIZE - 1]))) {
            Scan s = scan(ch, 0);
            assertEquals(new SegmentScanner.Result(a.remaining(), RecordBatch.HEADER_SIZE - 1, -1,
                    "torn batch header (" + (RecordBatch.HEADER_SIZE - 1) + " bytes)"), s.result());
            assertEquals(List.of("0:0-1"), s.seen());
        }
    }

    @Test
    void aFileShorterThanAHeaderKeepsNothing() throws IOException {
        try (FileChannel ch = file(ByteBuffer.wrap(new byte[7]))) {
            Scan s = scan(ch, 0);
            assertEquals(new SegmentScanner.Result(0, 7, -1, "torn batch header (7 bytes)"), s.result());
        }
    }

    @Test
    void aBatchCutShortIsDroppedWithTheOffsetItClaimed() throws IOException {
        ByteBuffer a = batch(0, 2, 10);
        ByteBuffer b = batch(2, 3, 100);
        ByteBuffer torn = b.duplicate().limit(b.remaining() - 1);
        try (FileChannel ch = file(a, torn)) {
            Scan s = scan(ch, 0);
            assertEquals(new SegmentScanner.Result(a.remaining(), torn.remaining(), 2, "batch length "
                    + b.remaining() + " does not fit the " + torn.remaining() + " bytes left"), s.result());
            assertEquals(List.of("0:0-1"), s.seen());
        }
    }

    @Test
    void aBatchThatExactlyFillsTheFileIsKept() throws IOException {
        // A whole header and nothing after it: a batch of no records is exactly one header long.
        ByteBuffer a = batch(0, 1, 10);
        ByteBuffer empty = Batches.empty(1);
        try (FileChannel ch = file(a, empty)) {
            Scan s = scan(ch, 0);
            assertEquals(RecordBatch.HEADER_SIZE, empty.remaining());
            assertEquals(new SegmentScanner.Result(a.remaining() + empty.remaining(), 0, -1, null), s.result());
            assertEquals(2, s.seen().size());
        }
    }

    @Test
    void aLengthBelowAHeaderStopsTheScan() throws IOException {
        ByteBuffer a = batch(0, 1, 10);
        ByteBuffer bad = batch(1, 1, 10);
        // A length that makes the batch one byte shorter than a header.
        bad.putInt(RecordBatch.LENGTH_OFFSET, RecordBatch.HEADER_SIZE - RecordBatch.LOG_OVERHEAD - 1);
        try (FileChannel ch = file(a, bad)) {
            Scan s = scan(ch, 0);
            assertEquals(a.remaining(), s.result().validBytes());
            assertEquals(bad.remaining(), s.result().droppedBytes());
            assertEquals(1, s.result().firstDroppedOffset());
            assertTrue(s.result().reason().startsWith("batch length " + (RecordBatch.HEADER_SIZE - 1)));
        }
    }

    @Test
    void aFlippedByteStopsTheScanAtThatBatch() throws IOException {
        ByteBuffer a = batch(0, 1, 10);
        ByteBuffer b = batch(1, 2, 10);
        ByteBuffer c = batch(3, 1, 10);
        b.put(b.limit() - 1, (byte) (b.get(b.limit() - 1) ^ 1));
        try (FileChannel ch = file(a, b, c)) {
            Scan s = scan(ch, 0);
            assertEquals(new SegmentScanner.Result(a.remaining(), b.remaining() + c.remaining(), 1,
                    "invalid magic or CRC"), s.result());
            assertEquals(List.of("0:0-0"), s.seen());
        }
    }

    @Test
    void offsetsMustNotGoBackwards() throws IOException {
        ByteBuffer a = batch(0, 3, 10);
        ByteBuffer back = batch(2, 1, 10); // overlaps the first batch's last offset
        try (FileChannel ch = file(a, back)) {
            Scan s = scan(ch, 0);
            assertEquals(new SegmentScanner.Result(a.remaining(), back.remaining(), 2, "offset 2 does not follow 2"),
                    s.result());
        }
    }

    @Test
    void theFirstBatchMustStartAtTheExpectedOffsetOrLater() throws IOException {
        ByteBuffer a = batch(10, 1, 10);
        try (FileChannel ch = file(a)) {
            assertEquals(new SegmentScanner.Result(0, a.remaining(), 10, "offset 10 does not follow 10"),
                    scan(ch, 11).result());
            assertEquals(List.of("0:10-10"), scan(ch, 10).seen());
        }
    }

    @Test
    void aNegativeLastOffsetDeltaStopsTheScan() throws IOException {
        ByteBuffer a = batch(0, 1, 10);
        ByteBuffer bad = batch(1, 1, 10);
        bad.putInt(RecordBatch.LAST_OFFSET_DELTA_OFFSET, -1);
        Batches.fixCrc(bad);
        try (FileChannel ch = file(a, bad)) {
            Scan s = scan(ch, 0);
            assertEquals(a.remaining(), s.result().validBytes());
            assertEquals(1, s.result().firstDroppedOffset());
            assertEquals(List.of("0:0-0"), s.seen());
        }
    }

    @Test
    void batchesAcrossChunksAndLargerThanAChunkAreRead() throws IOException {
        // The scanner reads 1 MiB at a time: batches straddle chunk boundaries, and one is larger
        // than a chunk, so the buffer is refilled mid-batch and then grown.
        List<ByteBuffer> parts = new ArrayList<>();
        List<String> expected = new ArrayList<>();
        long offset = 0;
        int pos = 0;
        for (int i = 0; i < 30; i++) {
            ByteBuffer b = batch(offset, 1, i == 20 ? (3 << 19) : 70_001);
            expected.add(pos + ":" + offset + "-" + offset);
            parts.add(b);
            pos += b.remaining();
            offset++;
        }
        ByteBuffer torn = batch(offset, 1, 100);
        torn.limit(torn.limit() - 3);
        parts.add(torn);
        try (FileChannel ch = file(parts.toArray(new ByteBuffer[0]))) {
            Scan s = scan(ch, 0);
            assertEquals(expected, s.seen());
            assertEquals(pos, s.result().validBytes());
            assertEquals(torn.remaining(), s.result().droppedBytes());
            assertEquals(offset, s.result().firstDroppedOffset());
        }
    }

    @Test
    void aTornHeaderAtAChunkBoundaryIsTornAtTheFileEnd() throws IOException {
        // The last bytes of the file are a partial header that starts in a later chunk than the batches.
        List<ByteBuffer> parts = new ArrayList<>();
        int pos = 0;
        for (int i = 0; i < 20; i++) {
            ByteBuffer b = batch(i, 1, 70_001);
            parts.add(b);
            pos += b.remaining();
        }
        parts.add(ByteBuffer.wrap(new byte[RecordBatch.HEADER_SIZE - 2]));
        try (FileChannel ch = file(parts.toArray(new ByteBuffer[0]))) {
            Scan s = scan(ch, 0);
            assertEquals(new SegmentScanner.Result(pos, RecordBatch.HEADER_SIZE - 2, -1,
                    "torn batch header (" + (RecordBatch.HEADER_SIZE - 2) + " bytes)"), s.result());
        }
    }
    @Test
    void aHeaderOnlyBatchRightAfterAFullChunkIsKept() throws IOException {
        // The first batch fills the 1 MiB read exactly; the next read finds exactly one header's bytes.
        int chunk = 1 << 20;
        int value = chunk - 100;
        ByteBuffer big = batch(0, 1, value);
        while (big.remaining() != chunk) {
            value += chunk - big.remaining();
            big = batch(0, 1, value);
        }
        ByteBuffer empty = Batches.empty(1);
        try (FileChannel ch = file(big, empty)) {
            Scan s = scan(ch, 0);
            assertEquals(new SegmentScanner.Result(chunk + RecordBatch.HEADER_SIZE, 0, -1, null), s.result());
            assertEquals(List.of("0:0-0", chunk + ":1-1"), s.seen());
        }
    }
}
