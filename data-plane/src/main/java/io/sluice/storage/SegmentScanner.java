package io.sluice.storage;

import io.sluice.protocol.record.RecordBatch;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;

/**
 * Reads a segment file from the start in large sequential chunks and hands over each batch that
 * is whole and valid (magic, CRC, increasing offsets), stopping at the first that is not: a torn
 * write, a flipped bit, garbage after a crash. Everything before that point is kept, nothing after.
 * Not thread-safe; used during recovery only.
 */
final class SegmentScanner {
    private static final int CHUNK = 1 << 20;

    /** Receives each valid batch, viewed in the scanner's buffer (valid only during the call). */
    @FunctionalInterface
    interface BatchConsumer {
        void accept(RecordBatch batch, int position) throws IOException;
    }

    /**
     * What a scan found: bytes of valid batches, bytes dropped after them, the offset where the
     * first dropped batch claimed to start (-1 if none could be read), and why scanning stopped.
     */
    record Result(int validBytes, long droppedBytes, long firstDroppedOffset, String reason) {
    }

    private SegmentScanner() {
    }

    static Result scan(FileChannel channel, long expectedFirstOffset, BatchConsumer consumer) throws IOException {
        long fileSize = channel.size();
        ByteBuffer buf = ByteBuffer.allocateDirect((int) Math.min(CHUNK, Math.max(fileSize, RecordBatch.HEADER_SIZE)));
        buf.limit(0);
        long bufStart = 0;
        int pos = 0;
        long nextOffset = expectedFirstOffset;
        String reason = null;
        long droppedOffset = -1;
        while (pos < fileSize) {
            int off = (int) (pos - bufStart);
            if (buf.limit() - off < RecordBatch.HEADER_SIZE) {
                bufStart = pos;
                off = 0;
                fill(channel, buf, pos);
                if (buf.limit() < RecordBatch.HEADER_SIZE) {
                    reason = "torn batch header (" + buf.limit() + " bytes)";
                    break;
                }
            }
            droppedOffset = buf.getLong(off + RecordBatch.BASE_OFFSET_OFFSET);
            long size = (long) buf.getInt(off + RecordBatch.LENGTH_OFFSET) + RecordBatch.LOG_OVERHEAD;
            if (size < RecordBatch.HEADER_SIZE || pos + size > fileSize) {
                reason = "batch length " + size + " does not fit the " + (fileSize - pos) + " bytes left";
                break;
            }
            if (buf.limit() - off < size) {
                if (size > buf.capacity()) {
                    buf = ByteBuffer.allocateDirect((int) size);
                }
                bufStart = pos;
                off = 0;
                fill(channel, buf, pos);
            }
            RecordBatch batch = RecordBatch.wrap(buf, off);
            if (!batch.isValid()) {
                reason = "invalid magic or CRC";
                break;
            }
            if (batch.baseOffset() < nextOffset || batch.lastOffsetDelta() < 0) {
                reason = "offset " + batch.baseOffset() + " does not follow " + (nextOffset - 1);
                break;
            }
            consumer.accept(batch, pos);
            nextOffset = batch.nextOffset();
            pos += (int) size;
            droppedOffset = -1;
        }
        return new Result(pos, fileSize - pos, droppedOffset, reason);
    }

    private static void fill(FileChannel channel, ByteBuffer buf, long position) throws IOException {
        buf.clear();
        while (buf.hasRemaining()) {
            int n = channel.read(buf, position + buf.position());
            if (n < 0) {
                break;
            }
        }
        buf.flip();
    }
}
