package io.sluice.storage;

import io.sluice.protocol.record.CompressionType;
import io.sluice.protocol.record.RecordBatch;
import io.sluice.protocol.record.RecordCursor;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.function.Predicate;
import java.util.zip.CRC32C;

/**
 * Rewrites one v2 batch keeping only some of its records: the log cleaner's batch step, as Kafka's
 * {@code MemoryRecords.filterTo}. Pure: no I/O, no state.
 *
 * <p>What a rewritten batch keeps from the original: base offset and last offset delta (so offsets
 * do not move and a producer's last sequence, base sequence + last offset delta, is unchanged),
 * partition leader epoch, producer id, epoch and base sequence, attributes (timestamp type,
 * transactional and control flags), base and max timestamp, and the codec: a compressed batch is
 * decompressed and the kept records re-compressed with the same codec. Kept records are copied
 * byte for byte (their offset and timestamp deltas stay valid because the bases do not change),
 * headers included. Only the record count, length and CRC are new.
 */
final class BatchFilter {
    private BatchFilter() {
    }

    /** What became of a batch. */
    enum Outcome {
        /** Every record kept and no horizon to set: the original bytes. */
        UNCHANGED,
        /** Some records kept: a new batch. */
        REWRITTEN,
        /** No record kept, but the batch is the last of its producer: a header with no records. */
        EMPTY,
        /** Nothing left: leave the batch out. */
        DROPPED
    }

    /** The outcome and, unless dropped, the batch bytes to write; also how many records were kept. */
    record Result(Outcome outcome, ByteBuffer batch, int recordsBefore, int recordsKept) {
    }

    /**
     * Filters {@code batch}'s records with {@code keep}, which sees each record through a cursor
     * (valid only during the call). {@code retainIfEmpty}: keep an empty batch rather than dropping
     * it, so the producer state rebuilt from batch headers still knows the producer's last sequence.
     * {@code deleteHorizonMs}: the horizon to stamp on the batch if it keeps a tombstone and has none
     * yet (the pass's time plus {@code delete.retention.ms}). Control batches are returned unchanged.
     */
    static Result filter(RecordBatch batch, Predicate<RecordCursor> keep, boolean retainIfEmpty, long deleteHorizonMs) {
        if (batch.isControlBatch()) {
            return new Result(Outcome.UNCHANGED, batch.buffer(), batch.recordCount(), batch.recordCount());
        }
        boolean mayStamp = !batch.hasDeleteHorizon();
        List<ByteBuffer> kept = new ArrayList<>();
        int before = 0;
        int keptBytes = 0;
        boolean keptTombstone = false;
        BitSet keptIndexes = new BitSet();
        RecordCursor cursor = batch.records();
        while (cursor.next()) {
            if (keep.test(cursor)) {
                keptTombstone |= cursor.valueSize() < 0;
                kept.add(cursor.recordBytes());
                keptIndexes.set(before);
            }
            before++;
        }
        boolean stamp = mayStamp && keptTombstone;
        if (kept.size() == before && !stamp) {
            return new Result(Outcome.UNCHANGED, batch.buffer(), before, before);
        }
        if (stamp) {
            // The kept records re-encoded against the horizon as base timestamp, on a second walk.
            kept.clear();
            cursor = batch.records();
            for (int i = 0; cursor.next(); i++) {
                if (keptIndexes.get(i)) {
                    kept.add(cursor.recordBytesRebased(deleteHorizonMs));
                }
            }
        }
        for (ByteBuffer r : kept) {
            keptBytes += r.remaining();
        }
        if (kept.isEmpty()) {
            return retainIfEmpty ? new Result(Outcome.EMPTY, rebuild(batch, CompressionType.NONE, ByteBuffer.allocate(0), 0,
                    RecordBatch.NO_TIMESTAMP), before, 0) : new Result(Outcome.DROPPED, null, before, 0);
        }
        ByteBuffer records = ByteBuffer.allocate(keptBytes);
        for (ByteBuffer r : kept) {
            records.put(r);
        }
        records.flip();
        CompressionType codec = batch.compressionType();
        ByteBuffer section = codec == CompressionType.NONE ? records : compress(codec, records);
        return new Result(Outcome.REWRITTEN, rebuild(batch, codec, section, kept.size(),
                stamp ? deleteHorizonMs : RecordBatch.NO_TIMESTAMP), before, kept.size());
    }

    /**
     * The original header with a new codec, record count, length and CRC, followed by {@code section};
     * with a {@code deleteHorizonMs} (else {@link RecordBatch#NO_TIMESTAMP}), the horizon flag set and
     * the horizon as base timestamp.
     */
    private static ByteBuffer rebuild(RecordBatch original, CompressionType codec, ByteBuffer section, int count,
            long deleteHorizonMs) {
        ByteBuffer out = ByteBuffer.allocate(RecordBatch.HEADER_SIZE + section.remaining());
        ByteBuffer header = original.buffer().limit(RecordBatch.HEADER_SIZE);
        out.put(header).put(section).flip();
        out.putInt(RecordBatch.LENGTH_OFFSET, out.limit() - RecordBatch.LOG_OVERHEAD);
        int attributes = (original.attributes() & ~0x07) | codec.id();
        if (deleteHorizonMs != RecordBatch.NO_TIMESTAMP) {
            attributes |= RecordBatch.DELETE_HORIZON_MASK;
            out.putLong(RecordBatch.BASE_TIMESTAMP_OFFSET, deleteHorizonMs);
        }
        out.putShort(RecordBatch.ATTRIBUTES_OFFSET, (short) attributes);
        out.putInt(RecordBatch.RECORDS_COUNT_OFFSET, count);
        CRC32C crc = new CRC32C();
        crc.update(out.duplicate().position(RecordBatch.ATTRIBUTES_OFFSET));
        out.putInt(RecordBatch.CRC_OFFSET, (int) crc.getValue());
        return out;
    }

    private static ByteBuffer compress(CompressionType codec, ByteBuffer records) {
        ByteArrayOutputStream sink = new ByteArrayOutputStream(records.remaining() / 2 + 64);
        try (OutputStream out = codec.wrapForOutput(sink)) {
            out.write(records.array(), records.arrayOffset() + records.position(), records.remaining());
        } catch (IOException e) {
            throw new IllegalStateException("cannot compress with " + codec.configName(), e);
        }
        return ByteBuffer.wrap(sink.toByteArray());
    }
}
