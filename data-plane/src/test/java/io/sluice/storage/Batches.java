package io.sluice.storage;

import io.sluice.protocol.record.CompressionType;
import io.sluice.protocol.record.Record;
import io.sluice.protocol.record.RecordBatch;
import io.sluice.protocol.record.RecordBatchBuilder;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** Builds test batches and reads values back. */
final class Batches {
    private Batches() {
    }

    /** A batch of records whose values are "v&lt;i&gt;" for the given indexes, all at {@code timestamp}. */
    static ByteBuffer values(long timestamp, String... values) {
        RecordBatchBuilder b = new RecordBatchBuilder(CompressionType.NONE);
        for (String v : values) {
            b.append(timestamp, null, v.getBytes(StandardCharsets.UTF_8));
        }
        return b.build();
    }

    /** One record with a value of {@code size} bytes. */
    static ByteBuffer ofSize(long timestamp, int size) {
        return new RecordBatchBuilder(CompressionType.NONE).append(timestamp, null, new byte[size]).build();
    }

    static ByteBuffer idempotent(long pid, short epoch, int seq, int records) {
        RecordBatchBuilder b = new RecordBatchBuilder(CompressionType.NONE).idempotent(pid, epoch, seq);
        for (int i = 0; i < records; i++) {
            b.append(1000, null, ("p" + pid + "-" + (seq + i)).getBytes(StandardCharsets.UTF_8));
        }
        return b.build();
    }

    /**
     * A batch of no records at {@code baseOffset}, exactly one header long (compaction can leave
     * such batches; a builder refuses to make one).
     */
    static ByteBuffer empty(long baseOffset) {
        ByteBuffer one = new RecordBatchBuilder(CompressionType.NONE).baseOffset(baseOffset).append(1, null, new byte[0])
                .build();
        ByteBuffer empty = ByteBuffer.allocate(RecordBatch.HEADER_SIZE).put(one.limit(one.position() + RecordBatch.HEADER_SIZE))
                .flip();
        empty.putInt(RecordBatch.LENGTH_OFFSET, RecordBatch.HEADER_SIZE - RecordBatch.LOG_OVERHEAD);
        empty.putInt(RecordBatch.RECORDS_COUNT_OFFSET, 0);
        fixCrc(empty);
        return empty;
    }

    static ByteBuffer concat(ByteBuffer... parts) {
        int size = 0;
        for (ByteBuffer p : parts) {
            size += p.remaining();
        }
        ByteBuffer out = ByteBuffer.allocate(size);
        for (ByteBuffer p : parts) {
            out.put(p.duplicate());
        }
        return out.flip();
    }

    /** Re-stamps the CRC after a test changed covered bytes on purpose. */
    static void fixCrc(ByteBuffer batch) {
        RecordBatch b = RecordBatch.wrap(batch, batch.position());
        batch.putInt(batch.position() + RecordBatch.CRC_OFFSET, (int) b.computeChecksum());
    }

    /** Every record in a read result, as (offset, value string). */
    static List<String> read(LogReadResult result) throws IOException {
        List<String> out = new ArrayList<>();
        if (result.range() == null) {
            return out;
        }
        for (RecordBatch batch : RecordBatch.batchesOf(result.range().readBytes())) {
            batch.ensureValid();
            for (Record r : batch.recordList()) {
                out.add(r.offset() + ":" + StandardCharsets.UTF_8.decode(r.value()));
            }
        }
        return out;
    }

    /** Reads everything from {@code from} to the log end, following segments. */
    static List<String> readAll(PartitionLog log, long from) throws IOException {
        List<String> out = new ArrayList<>();
        long next = from;
        while (next < log.logEndOffset()) {
            LogReadResult r = log.read(next, Integer.MAX_VALUE, Long.MAX_VALUE);
            if (r.range() == null) {
                break;
            }
            out.addAll(read(r));
            next = r.range().lastOffset() + 1;
        }
        return out;
    }
}
