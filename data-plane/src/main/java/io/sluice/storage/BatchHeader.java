package io.sluice.storage;

import io.sluice.protocol.record.RecordBatch;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;

/**
 * The fields of a stored batch's header that lookups need, read from a file position without
 * reading the records. Immutable.
 */
record BatchHeader(int position, long baseOffset, long lastOffset, int size, long maxTimestamp,
        long producerId, short producerEpoch, int baseSequence) {

    /** Reads the header at {@code position}, or returns null if fewer than a header's bytes are below {@code limit}. */
    static BatchHeader read(FileChannel channel, ByteBuffer scratch, int position, int limit) throws IOException {
        if (limit - position < RecordBatch.HEADER_SIZE) {
            return null;
        }
        scratch.clear().limit(RecordBatch.HEADER_SIZE);
        int read = 0;
        while (read < RecordBatch.HEADER_SIZE) {
            int n = channel.read(scratch, position + read);
            if (n < 0) {
                return null;
            }
            read += n;
        }
        int size = scratch.getInt(RecordBatch.LENGTH_OFFSET) + RecordBatch.LOG_OVERHEAD;
        if (size < RecordBatch.HEADER_SIZE || size > limit - position) {
            return null;
        }
        long base = scratch.getLong(RecordBatch.BASE_OFFSET_OFFSET);
        return new BatchHeader(position, base, base + scratch.getInt(RecordBatch.LAST_OFFSET_DELTA_OFFSET), size,
                scratch.getLong(RecordBatch.MAX_TIMESTAMP_OFFSET), scratch.getLong(RecordBatch.PRODUCER_ID_OFFSET),
                scratch.getShort(RecordBatch.PRODUCER_EPOCH_OFFSET), scratch.getInt(RecordBatch.BASE_SEQUENCE_OFFSET));
    }

    static ByteBuffer scratch() {
        return ByteBuffer.allocate(RecordBatch.HEADER_SIZE);
    }

    int lastSequence() {
        return ProducerStateManager.addToSequence(baseSequence, (int) (lastOffset - baseOffset));
    }

    int end() {
        return position + size;
    }
}
