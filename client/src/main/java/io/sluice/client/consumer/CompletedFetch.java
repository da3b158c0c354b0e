package io.sluice.client.consumer;

import io.netty.buffer.ByteBuf;
import io.sluice.protocol.TopicPartition;
import io.sluice.protocol.record.RecordBatch;
import io.sluice.protocol.record.RecordCursor;
import io.sluice.protocol.rpc.FetchPartitionResponse;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * One partition's part of a fetch response, waiting to be turned into records. Holds a retained slice
 * of the response frame (no copy of the log bytes) and where parsing stopped, so a poll that hits
 * {@code max.poll.records} in the middle of a batch resumes there on the next poll.
 *
 * <p>Handed from the I/O thread to the consumer thread through a queue; afterwards owned by the
 * consumer thread. {@link #release()} must be called once it is drained or dropped.
 */
final class CompletedFetch {
    final TopicPartition tp;
    final long fetchOffset;
    final FetchPartitionResponse response;
    private final ByteBuf records;
    private List<RecordBatch> batches;
    private int batchIndex;
    private RecordCursor cursor;
    private boolean released;

    CompletedFetch(TopicPartition tp, long fetchOffset, FetchPartitionResponse response, ByteBuf records) {
        this.tp = tp;
        this.fetchOffset = fetchOffset;
        this.response = response;
        this.records = records;
    }

    /** The batches, parsed on first use (headers only; records are decoded as they are read). */
    List<RecordBatch> batches() {
        if (batches == null && records == null) {
            batches = List.of();
        }
        if (batches == null) {
            ByteBuffer nio = records.nioBuffer(records.readerIndex(), records.readableBytes());
            batches = new ArrayList<>();
            int pos = 0;
            // A broker may cut the last batch short at the size limit; the rest comes with the next fetch.
            while (nio.limit() - pos >= RecordBatch.HEADER_SIZE) {
                int size = RecordBatch.LOG_OVERHEAD + nio.getInt(pos + RecordBatch.LENGTH_OFFSET);
                if (size > nio.limit() - pos) {
                    break;
                }
                batches.add(RecordBatch.wrap(nio, pos));
                pos += size;
            }
        }
        return batches;
    }

    int batchIndex() {
        return batchIndex;
    }

    void nextBatch() {
        batchIndex++;
        cursor = null;
    }

    RecordCursor cursor() {
        return cursor;
    }

    void cursor(RecordCursor cursor) {
        this.cursor = cursor;
    }

    boolean exhausted() {
        return batches().size() <= batchIndex;
    }

    void release() {
        if (!released) {
            released = true;
            if (records != null) {
                records.release();
            }
        }
    }
}
