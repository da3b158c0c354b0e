package io.sluice.protocol.record;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Builds one v2 batch. Records are encoded into a single growing buffer that starts with room for
 * the header (one allocation per doubling, none per record; size it with the expected batch size to
 * avoid the doublings); {@link #build()} compresses the records if asked, writes the header and the
 * CRC, and returns the batch: without compression, the very buffer the records were written to.
 *
 * <pre>{@code
 * ByteBuffer batch = new RecordBatchBuilder(CompressionType.LZ4)
 *         .idempotent(producerId, producerEpoch, baseSequence)
 *         .append(now, key, value)
 *         .build();
 * }</pre>
 *
 * The base timestamp is the first record's timestamp. Not thread-safe; a builder builds once.
 */
public final class RecordBatchBuilder {
    private final CompressionType compression;
    private long baseOffset;
    private int partitionLeaderEpoch = RecordBatch.NO_PARTITION_LEADER_EPOCH;
    private TimestampType timestampType = TimestampType.CREATE_TIME;
    private long producerId = RecordBatch.NO_PRODUCER_ID;
    private short producerEpoch = RecordBatch.NO_PRODUCER_EPOCH;
    private int baseSequence = RecordBatch.NO_SEQUENCE;

    /** The header's room, then the records encoded so far (position: end of the last record). */
    private ByteBuffer records;
    private int count;
    private long baseTimestamp = RecordBatch.NO_TIMESTAMP;
    private long maxTimestamp = RecordBatch.NO_TIMESTAMP;
    private boolean built;

    public RecordBatchBuilder(CompressionType compression) {
        this(compression, 256);
    }

    /** @param expectedSize the batch size expected, header included: the buffer's first capacity */
    public RecordBatchBuilder(CompressionType compression, int expectedSize) {
        this(compression, ByteBuffer.allocate(Math.max(RecordBatch.HEADER_SIZE + 16, expectedSize)));
    }

    /**
     * Builds in {@code buffer} (a heap buffer, from position 0; its old content is overwritten), which
     * is replaced by a larger one if the records outgrow it; {@link #buffer()} tells which is current.
     */
    public RecordBatchBuilder(CompressionType compression, ByteBuffer buffer) {
        if (!buffer.hasArray() || buffer.capacity() < RecordBatch.HEADER_SIZE + 1) {
            throw new IllegalArgumentException("a heap buffer larger than a batch header is needed");
        }
        this.compression = compression;
        this.records = buffer.clear().position(RecordBatch.HEADER_SIZE);
    }

    public RecordBatchBuilder baseOffset(long baseOffset) {
        this.baseOffset = baseOffset;
        return this;
    }

    public RecordBatchBuilder partitionLeaderEpoch(int epoch) {
        this.partitionLeaderEpoch = epoch;
        return this;
    }

    public RecordBatchBuilder timestampType(TimestampType type) {
        this.timestampType = type;
        return this;
    }

    /** Marks the batch as coming from an idempotent producer; {@code baseSequence} is its first record's. */
    public RecordBatchBuilder idempotent(long producerId, short producerEpoch, int baseSequence) {
        this.producerId = producerId;
        this.producerEpoch = producerEpoch;
        this.baseSequence = baseSequence;
        return this;
    }

    /** Appends a record; the arrays are copied, not kept. */
    public RecordBatchBuilder append(long timestamp, byte[] key, byte[] value, Header... headers) {
        long timestampDelta = startRecord(timestamp);
        int bodySize = 1 + Varints.sizeOfVarlong(timestampDelta) + Varints.sizeOfVarint(count)
                + fieldSize(key) + fieldSize(value) + headersSize(headers);
        writeRecordStart(bodySize, timestampDelta);
        writeField(key);
        writeField(value);
        writeHeaders(headers);
        count++;
        return this;
    }

    /**
     * Appends a record; the buffers are read from position to limit and not modified. (A copy of each
     * into an array first: the producer's path is the array one.)
     */
    public RecordBatchBuilder append(long timestamp, ByteBuffer key, ByteBuffer value, Header... headers) {
        return append(timestamp, toArray(key), toArray(value), headers);
    }

    private static byte[] toArray(ByteBuffer buffer) {
        if (buffer == null) {
            return null;
        }
        byte[] bytes = new byte[buffer.remaining()];
        buffer.duplicate().get(bytes);
        return bytes;
    }

    /** Updates the batch's timestamps for a new record; returns the record's timestamp delta. */
    private long startRecord(long timestamp) {
        if (built) {
            throw new IllegalStateException("batch already built");
        }
        if (count == 0) {
            baseTimestamp = timestamp;
        }
        maxTimestamp = Math.max(maxTimestamp, timestamp);
        return timestamp - baseTimestamp;
    }

    /** Makes room for the whole record, then writes its length, attributes and deltas. */
    private void writeRecordStart(int bodySize, long timestampDelta) {
        ensureRoom(Varints.sizeOfVarint(bodySize) + bodySize);
        Varints.writeVarint(bodySize, records);
        records.put((byte) 0);
        Varints.writeVarlong(timestampDelta, records);
        Varints.writeVarint(count, records);
    }

    public RecordBatchBuilder appendAll(List<Record> recs) {
        for (Record r : recs) {
            append(r.timestamp(), r.key(), r.value(), r.headers().toArray(new Header[0]));
        }
        return this;
    }

    /** The buffer the records are written to (without compression, the built batch's too). */
    public ByteBuffer buffer() {
        return records;
    }

    public int recordCount() {
        return count;
    }

    /** Bytes of the records so far, before compression; a producer's estimate for batch sizing. */
    public int uncompressedSizeInBytes() {
        return records.position();
    }

    /** The finished batch, position 0 and limit its size. At least one record is required. */
    public ByteBuffer build() {
        if (count == 0) {
            throw new IllegalStateException("a batch needs at least one record");
        }
        built = true;
        ByteBuffer out = compression == CompressionType.NONE ? records : compress();
        out.flip();
        writeHeader(out);
        return out;
    }

    private ByteBuffer compress() {
        int length = records.position() - RecordBatch.HEADER_SIZE;
        GrowingOutput sink = new GrowingOutput(RecordBatch.HEADER_SIZE + length / 2 + 64);
        sink.buf.position(RecordBatch.HEADER_SIZE);
        try (OutputStream out = compression.wrapForOutput(sink)) {
            out.write(records.array(), records.arrayOffset() + RecordBatch.HEADER_SIZE, length);
        } catch (IOException e) {
            throw new IllegalStateException("cannot compress with " + compression.configName(), e);
        }
        return sink.buf;
    }

    private void writeHeader(ByteBuffer out) {
        int size = out.limit();
        short attributes = (short) (compression.id()
                | (timestampType == TimestampType.LOG_APPEND_TIME ? RecordBatch.TIMESTAMP_TYPE_MASK : 0));
        out.putLong(RecordBatch.BASE_OFFSET_OFFSET, baseOffset);
        out.putInt(RecordBatch.LENGTH_OFFSET, size - RecordBatch.LOG_OVERHEAD);
        out.putInt(RecordBatch.PARTITION_LEADER_EPOCH_OFFSET, partitionLeaderEpoch);
        out.put(RecordBatch.MAGIC_OFFSET, RecordBatch.MAGIC);
        out.putShort(RecordBatch.ATTRIBUTES_OFFSET, attributes);
        out.putInt(RecordBatch.LAST_OFFSET_DELTA_OFFSET, count - 1);
        out.putLong(RecordBatch.BASE_TIMESTAMP_OFFSET, baseTimestamp);
        out.putLong(RecordBatch.MAX_TIMESTAMP_OFFSET, maxTimestamp);
        out.putLong(RecordBatch.PRODUCER_ID_OFFSET, producerId);
        out.putShort(RecordBatch.PRODUCER_EPOCH_OFFSET, producerEpoch);
        out.putInt(RecordBatch.BASE_SEQUENCE_OFFSET, baseSequence);
        out.putInt(RecordBatch.RECORDS_COUNT_OFFSET, count);
        out.putInt(RecordBatch.CRC_OFFSET, (int) RecordBatch.crc32c(out, RecordBatch.ATTRIBUTES_OFFSET, size));
    }

    private static int headersSize(Header[] headers) {
        int size = Varints.sizeOfVarint(headers.length);
        for (Header h : headers) {
            int keyLength = h.key().getBytes(StandardCharsets.UTF_8).length;
            size += Varints.sizeOfVarint(keyLength) + keyLength + fieldSize(h.value());
        }
        return size;
    }

    private static int fieldSize(byte[] field) {
        return field == null ? 1 : Varints.sizeOfVarint(field.length) + field.length;
    }

    private void writeHeaders(Header[] headers) {
        Varints.writeVarint(headers.length, records);
        for (Header h : headers) {
            byte[] hk = h.key().getBytes(StandardCharsets.UTF_8);
            Varints.writeVarint(hk.length, records);
            records.put(hk);
            writeField(h.value());
        }
    }

    private void writeField(byte[] field) {
        if (field == null) {
            Varints.writeVarint(-1, records);
        } else {
            Varints.writeVarint(field.length, records);
            records.put(field);
        }
    }

    private void ensureRoom(int bytes) {
        if (records.remaining() < bytes) {
            int capacity = Math.max(records.capacity() * 2, records.position() + bytes);
            ByteBuffer bigger = ByteBuffer.allocate(capacity);
            records.flip();
            bigger.put(records);
            records = bigger;
        }
    }

    /** An output stream appending to a heap buffer that doubles as needed. */
    private static final class GrowingOutput extends OutputStream {
        ByteBuffer buf;

        GrowingOutput(int capacity) {
            buf = ByteBuffer.allocate(capacity);
        }

        @Override
        public void write(int b) {
            room(1);
            buf.put((byte) b);
        }

        @Override
        public void write(byte[] b, int off, int len) {
            room(len);
            buf.put(b, off, len);
        }

        private void room(int n) {
            if (buf.remaining() < n) {
                ByteBuffer bigger = ByteBuffer.allocate(Math.max(buf.capacity() * 2, buf.position() + n));
                buf.flip();
                bigger.put(buf);
                buf = bigger;
            }
        }
    }
}
