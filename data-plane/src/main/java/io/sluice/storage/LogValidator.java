package io.sluice.storage;

import io.sluice.protocol.ErrorCode;
import io.sluice.protocol.record.CompressionType;
import io.sluice.protocol.record.CorruptRecordException;
import io.sluice.protocol.record.RecordBatch;
import io.sluice.protocol.record.RecordCursor;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * Checks the batches of one append before anything is written. Pure code, no I/O, no state; the
 * producer-sequence checks, which need state, live in {@link ProducerStateManager}.
 *
 * <p>What is checked, and the error returned:
 * <ul>
 *   <li>a batch cut short or with an impossible length: CORRUPT_MESSAGE;</li>
 *   <li>a batch larger than {@code max.message.bytes}: MESSAGE_TOO_LARGE;</li>
 *   <li>magic other than 2: INVALID_RECORD;</li>
 *   <li>CRC32C mismatch: CORRUPT_MESSAGE;</li>
 *   <li>record count not equal to last offset delta + 1, unknown codec, transactional or control
 *       batches (not supported), producer id without epoch/sequence, the delete-horizon attribute
 *       (KIP-534's bit 6, which only a log cleaner sets): INVALID_RECORD;</li>
 *   <li>uncompressed batches only: records that do not parse or whose offset deltas are not
 *       0, 1, 2, ...: INVALID_RECORD. Compressed batches are not decompressed on the broker (it
 *       never re-compresses them either); their CRC protects them in transit and at rest.</li>
 *   <li>as follower: offsets not increasing from the log end offset: INVALID_RECORD. A follower also
 *       accepts batches with fewer records than their offset range (the leader's cleaner removed
 *       some, or all: an empty batch kept for its producer state).</li>
 *   <li>as leader of a compacted topic: a record without a key: INVALID_RECORD (Kafka's
 *       "Compacted topic cannot accept message without key"), compressed batches decompressed to
 *       check.</li>
 * </ul>
 */
final class LogValidator {
    private LogValidator() {
    }

    /** Validates batches a producer sent; their base offsets and epochs are to be overwritten. */
    static List<RecordBatch> validateForLeader(ByteBuffer buffer, int maxMessageBytes) throws InvalidBatchException {
        return validateForLeader(buffer, maxMessageBytes, false);
    }

    /** As above; {@code compacted}: every record must have a key (a compacted topic's rule). */
    static List<RecordBatch> validateForLeader(ByteBuffer buffer, int maxMessageBytes, boolean compacted)
            throws InvalidBatchException {
        List<RecordBatch> batches = splitBatches(buffer, maxMessageBytes);
        for (RecordBatch batch : batches) {
            checkBatch(batch, false);
            if (batch.isTransactional() || batch.isControlBatch()) {
                throw new InvalidBatchException(ErrorCode.INVALID_RECORD,
                        "transactional and control batches are not supported");
            }
            if (batch.hasDeleteHorizon()) {
                // Only a log cleaner sets it; from a producer it would make tombstones expire at a time of its choosing.
                throw new InvalidBatchException(ErrorCode.INVALID_RECORD,
                        "the delete horizon attribute (bit 6) is set only by the log cleaner, not by producers");
            }
            if (batch.compressionType() == CompressionType.NONE) {
                checkRecords(batch);
            }
            if (compacted) {
                checkKeys(batch);
            }
        }
        return batches;
    }

    /** Validates batches fetched from the leader, which already carry offsets and epochs. */
    static List<RecordBatch> validateForFollower(ByteBuffer buffer, int maxMessageBytes, long logEndOffset)
            throws InvalidBatchException {
        List<RecordBatch> batches = splitBatches(buffer, maxMessageBytes);
        long expectedAtLeast = logEndOffset;
        for (RecordBatch batch : batches) {
            checkBatch(batch, true);
            if (batch.baseOffset() < expectedAtLeast) {
                throw new InvalidBatchException(ErrorCode.INVALID_RECORD, "batch base offset "
                        + batch.baseOffset() + " is below the next expected offset " + expectedAtLeast);
            }
            expectedAtLeast = batch.nextOffset();
        }
        return batches;
    }

    private static List<RecordBatch> splitBatches(ByteBuffer buffer, int maxMessageBytes) throws InvalidBatchException {
        List<RecordBatch> batches = new ArrayList<>(2);
        int pos = buffer.position();
        if (pos == buffer.limit()) {
            throw new InvalidBatchException(ErrorCode.INVALID_RECORD, "no batches to append");
        }
        while (pos < buffer.limit()) {
            RecordBatch batch;
            try {
                batch = RecordBatch.wrap(buffer, pos);
            } catch (CorruptRecordException e) {
                throw new InvalidBatchException(ErrorCode.CORRUPT_MESSAGE, e.getMessage());
            }
            if (batch.sizeInBytes() > maxMessageBytes) {
                throw new InvalidBatchException(ErrorCode.MESSAGE_TOO_LARGE, "batch of " + batch.sizeInBytes()
                        + " bytes exceeds max.message.bytes=" + maxMessageBytes);
            }
            batches.add(batch);
            pos += batch.sizeInBytes();
        }
        return batches;
    }

    private static void checkBatch(RecordBatch batch, boolean mayBeCleaned) throws InvalidBatchException {
        if (batch.magic() != RecordBatch.MAGIC) {
            throw new InvalidBatchException(ErrorCode.INVALID_RECORD, "batch has magic " + batch.magic()
                    + "; only magic 2 (Kafka 0.11+ clients) is supported");
        }
        if (batch.checksum() != batch.computeChecksum()) {
            throw new InvalidBatchException(ErrorCode.CORRUPT_MESSAGE, "batch CRC " + Long.toHexString(batch.checksum())
                    + " does not match its contents (" + Long.toHexString(batch.computeChecksum()) + ")");
        }
        boolean countFits = mayBeCleaned ? batch.recordCount() >= 0 && batch.recordCount() <= batch.lastOffsetDelta() + 1L
                : batch.recordCount() == batch.lastOffsetDelta() + 1L;
        if (batch.lastOffsetDelta() < 0 || !countFits) {
            throw new InvalidBatchException(ErrorCode.INVALID_RECORD, "batch claims " + batch.recordCount()
                    + " records but last offset delta " + batch.lastOffsetDelta());
        }
        try {
            batch.compressionType();
        } catch (CorruptRecordException e) {
            throw new InvalidBatchException(ErrorCode.INVALID_RECORD, e.getMessage());
        }
        if (batch.hasProducerId() && (batch.producerEpoch() < 0 || batch.baseSequence() < 0)) {
            throw new InvalidBatchException(ErrorCode.INVALID_RECORD, "batch of producer " + batch.producerId()
                    + " has epoch " + batch.producerEpoch() + " and base sequence " + batch.baseSequence());
        }
    }

    private static void checkKeys(RecordBatch batch) throws InvalidBatchException {
        try {
            RecordCursor cursor = batch.records();
            while (cursor.next()) {
                if (cursor.keySize() < 0) {
                    throw new InvalidBatchException(ErrorCode.INVALID_RECORD,
                            "Compacted topic cannot accept message without key (record " + cursor.offsetDelta()
                                    + " of the batch)");
                }
            }
        } catch (CorruptRecordException e) {
            throw new InvalidBatchException(ErrorCode.INVALID_RECORD, e.getMessage());
        }
    }

    private static void checkRecords(RecordBatch batch) throws InvalidBatchException {
        try {
            RecordCursor cursor = batch.records();
            int expected = 0;
            while (cursor.next()) {
                if (cursor.offsetDelta() != expected) {
                    throw new InvalidBatchException(ErrorCode.INVALID_RECORD, "record " + expected
                            + " has offset delta " + cursor.offsetDelta());
                }
                expected++;
            }
        } catch (CorruptRecordException e) {
            throw new InvalidBatchException(ErrorCode.INVALID_RECORD, e.getMessage());
        }
    }
}
