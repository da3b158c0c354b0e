package io.sluice.storage;

import io.sluice.protocol.ErrorCode;
import io.sluice.protocol.record.RecordBatch;

/**
 * The outcome of an append. On success: the offsets assigned (or, for a retried idempotent batch,
 * the offsets it got the first time, with {@code duplicate} set), the broker's append time (-1:
 * batches keep their create time) and the largest record timestamp. On failure: the error and a
 * message, and nothing was written.
 *
 * <p>An append is durable once {@link PartitionLog#durableEndOffset()} exceeds {@code lastOffset};
 * see {@link DurabilityListener}.
 */
public record LogAppendResult(
        ErrorCode error,
        String errorMessage,
        long firstOffset,
        long lastOffset,
        long logAppendTime,
        long maxTimestamp,
        long logStartOffset,
        boolean duplicate) {

    static LogAppendResult failed(ErrorCode error, String message, long logStartOffset) {
        return new LogAppendResult(error, message, -1, -1, RecordBatch.NO_TIMESTAMP, RecordBatch.NO_TIMESTAMP,
                logStartOffset, false);
    }

    static LogAppendResult appended(long firstOffset, long lastOffset, long maxTimestamp, long logStartOffset) {
        return new LogAppendResult(ErrorCode.NONE, null, firstOffset, lastOffset, RecordBatch.NO_TIMESTAMP,
                maxTimestamp, logStartOffset, false);
    }

    static LogAppendResult duplicateOf(ProducerStateManager.BatchMetadata original, long logStartOffset) {
        return new LogAppendResult(ErrorCode.NONE, null, original.firstOffset(), original.lastOffset(),
                RecordBatch.NO_TIMESTAMP, original.maxTimestamp(), logStartOffset, true);
    }

    public boolean succeeded() {
        return error == ErrorCode.NONE;
    }
}
