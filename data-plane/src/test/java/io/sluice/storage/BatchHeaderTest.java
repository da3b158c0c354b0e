package io.sluice.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.sluice.protocol.record.CompressionType;
import io.sluice.protocol.record.RecordBatch;
import io.sluice.protocol.record.RecordBatchBuilder;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Reading a stored batch's header from a file position: its fields, and when there is no whole batch. */
@Timeout(30)
class BatchHeaderTest {
    @TempDir
    Path tmp;

    private FileChannel file(ByteBuffer bytes) throws IOException {
        FileChannel ch = FileChannel.open(tmp.resolve("h.log"), StandardOpenOption.CREATE, StandardOpenOption.READ,
                StandardOpenOption.WRITE);
        while (bytes.hasRemaining()) {
            ch.write(bytes);
        }
        return ch;
    }

    @Test
    void readsTheFieldsLookupsNeed() throws IOException {
        ByteBuffer plain = Batches.values(77, "a");
        RecordBatchBuilder b = new RecordBatchBuilder(CompressionType.NONE).baseOffset(40)
                .idempotent(9, (short) 3, Integer.MAX_VALUE - 1);
        for (int i = 0; i < 4; i++) {
            b.append(100 + i * 10, null, new byte[] {(byte) i});
        }
        ByteBuffer idempotent = b.build();
        int size = idempotent.remaining();
        try (FileChannel ch = file(Batches.concat(plain, idempotent))) {
            int at = plain.remaining();
            BatchHeader h = BatchHeader.read(ch, BatchHeader.scratch(), at, at + size);
            assertEquals(new BatchHeader(at, 40, 43, size, 130, 9, (short) 3, Integer.MAX_VALUE - 1), h);
            assertEquals(at + size, h.end());
            assertNull(BatchHeader.read(ch, BatchHeader.scratch(), at, at + size - 1), "ends after the limit");
            assertEquals(1, h.lastSequence(), "MAX - 1, MAX, 0, 1: sequences wrap to 0 after Integer.MAX_VALUE");
            BatchHeader first = BatchHeader.read(ch, BatchHeader.scratch(), 0, at + size);
            assertEquals(RecordBatch.NO_PRODUCER_ID, first.producerId());
            assertEquals(77, first.maxTimestamp());
            assertEquals(0, first.lastOffset() - first.baseOffset());
        }
    }

    @Test
    void noHeaderWithoutAWholeBatchBelowTheLimit() throws IOException {
        ByteBuffer batch = Batches.values(1, "abc", "def");
        int size = batch.remaining();
        try (FileChannel ch = file(batch.duplicate())) {
            ByteBuffer scratch = BatchHeader.scratch();
            assertEquals(size, BatchHeader.read(ch, scratch, 0, size).size(), "a batch that ends at the limit");
            assertNull(BatchHeader.read(ch, scratch, 0, size - 1), "a batch that ends after the limit");
            assertNull(BatchHeader.read(ch, scratch, 0, RecordBatch.HEADER_SIZE), "only its header below the limit");
            assertNull(BatchHeader.read(ch, scratch, 0, RecordBatch.HEADER_SIZE - 1), "not even a header");
            assertNull(BatchHeader.read(ch, scratch, size, size + 1000), "the limit is past the file's end");
        }
    }

    @Test
    void aLengthShorterThanAHeaderIsNoBatch() throws IOException {
        ByteBuffer batch = Batches.values(1, "abc");
        batch.putInt(RecordBatch.LENGTH_OFFSET, RecordBatch.HEADER_SIZE - RecordBatch.LOG_OVERHEAD - 1);
        try (FileChannel ch = file(batch.duplicate())) {
            assertNull(BatchHeader.read(ch, BatchHeader.scratch(), 0, batch.remaining()));
        }
        ByteBuffer empty = Batches.empty(5);
        try (FileChannel ch = FileChannel.open(tmp.resolve("e.log"), StandardOpenOption.CREATE, StandardOpenOption.READ,
                StandardOpenOption.WRITE)) {
            ch.write(empty.duplicate());
            assertEquals(new BatchHeader(0, 5, 5, RecordBatch.HEADER_SIZE, 1, RecordBatch.NO_PRODUCER_ID,
                    RecordBatch.NO_PRODUCER_EPOCH, RecordBatch.NO_SEQUENCE),
                    BatchHeader.read(ch, BatchHeader.scratch(), 0, RecordBatch.HEADER_SIZE));
        }
    }
}
