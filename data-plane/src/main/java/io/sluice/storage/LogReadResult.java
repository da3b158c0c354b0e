package io.sluice.storage;

import io.sluice.protocol.ErrorCode;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;

/**
 * The outcome of a read: a range of whole batches in one segment file (or none when the reader is
 * at the end or bounded by {@code maxOffsetExclusive}), and the log's offsets at the time, which a
 * fetch response reports. {@code range} is null when empty or on error.
 */
public record LogReadResult(
        ErrorCode error,
        String errorMessage,
        FileRange range,
        long logStartOffset,
        long logEndOffset,
        long highWatermark) {

    /**
     * Bytes {@code [position, position + length)} of a segment file: whole batches, the first
     * holding the requested offset. Send it with zero copy ({@code new DefaultFileRegion(channel,
     * position, length)}); do not close the channel, the log owns it. If the segment is deleted by
     * retention or truncation before the transfer completes the transfer fails with an I/O error
     * (closed channel or short read) and the fetch should be retried.
     */
    public record FileRange(FileChannel channel, long position, int length, long firstOffset, long lastOffset) {

        /** Copies the range into a heap buffer; for tests and tools, not for the serving path. */
        public ByteBuffer readBytes() throws IOException {
            ByteBuffer buf = ByteBuffer.allocate(length);
            while (buf.hasRemaining()) {
                if (channel.read(buf, position + buf.position()) < 0) {
                    throw new IOException("segment ended before " + (position + length));
                }
            }
            return buf.flip();
        }
    }

    public boolean isEmpty() {
        return range == null;
    }

    static LogReadResult failed(ErrorCode error, String message, long logStart, long logEnd, long hw) {
        return new LogReadResult(error, message, null, logStart, logEnd, hw);
    }
}
