package io.sluice.protocol.record;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.CRC32C;

/**
 * A view of one Kafka RecordBatch (magic 2) inside a {@link ByteBuffer}, without copying it.
 *
 * <pre>
 * offset  field                  type
 *  0      baseOffset             int64
 *  8      batchLength            int32   bytes after this field (total size - 12)
 * 12      partitionLeaderEpoch   int32
 * 16      magic                  int8    always 2
 * 17      crc                    uint32  CRC32C of bytes 21..end
 * 21      attributes             int16   bits 0-2 compression, 3 timestamp type, 4 transactional, 5 control,
 *                                        6 delete horizon (baseTimestamp holds it; set by the log cleaner only)
 * 23      lastOffsetDelta        int32
 * 27      baseTimestamp          int64
 * 35      maxTimestamp           int64
 * 43      producerId             int64
 * 51      producerEpoch          int16
 * 53      baseSequence           int32
 * 57      recordCount            int32
 * 61      records                (compressed as a whole when the codec is not none)
 * </pre>
 *
 * The CRC does not cover base offset, length and partition leader epoch, which is what lets a
 * broker assign offsets by patching them in place ({@link #setBaseOffset}, {@link
 * #setPartitionLeaderEpoch}).
 *
 * <p>Accessors use absolute reads of the underlying buffer, so a view never moves the buffer's
 * position. A view is not thread-safe for writers; concurrent readers of an unchanging buffer are
 * fine.
 */
public final class RecordBatch {
    public static final int BASE_OFFSET_OFFSET = 0;
    public static final int LENGTH_OFFSET = 8;
    public static final int PARTITION_LEADER_EPOCH_OFFSET = 12;
    public static final int MAGIC_OFFSET = 16;
    public static final int CRC_OFFSET = 17;
    public static final int ATTRIBUTES_OFFSET = 21;
    public static final int LAST_OFFSET_DELTA_OFFSET = 23;
    public static final int BASE_TIMESTAMP_OFFSET = 27;
    public static final int MAX_TIMESTAMP_OFFSET = 35;
    public static final int PRODUCER_ID_OFFSET = 43;
    public static final int PRODUCER_EPOCH_OFFSET = 51;
    public static final int BASE_SEQUENCE_OFFSET = 53;
    public static final int RECORDS_COUNT_OFFSET = 57;
    public static final int RECORDS_OFFSET = 61;

    /** Base offset and length: the part of a batch that precedes what {@code batchLength} counts. */
    public static final int LOG_OVERHEAD = 12;
    public static final int HEADER_SIZE = RECORDS_OFFSET;
    public static final byte MAGIC = 2;

    public static final long NO_PRODUCER_ID = -1L;
    public static final short NO_PRODUCER_EPOCH = -1;
    public static final int NO_SEQUENCE = -1;
    public static final int NO_PARTITION_LEADER_EPOCH = -1;
    public static final long NO_TIMESTAMP = -1L;

    static final int COMPRESSION_MASK = 0x07;
    static final int TIMESTAMP_TYPE_MASK = 0x08;
    static final int TRANSACTIONAL_MASK = 0x10;
    static final int CONTROL_MASK = 0x20;
    /**
     * KIP-534: the log cleaner set this batch's delete horizon, stored in the base timestamp (the
     * records' timestamp deltas are relative to it, so their timestamps do not change).
     */
    public static final int DELETE_HORIZON_MASK = 0x40;

    private final ByteBuffer buf;
    private final int start;

    private RecordBatch(ByteBuffer buf, int start) {
        this.buf = buf;
        this.start = start;
    }

    /**
     * A view of the batch starting at absolute index {@code position} of {@code buf}. Only checks
     * that the header fits and that the stated length does; call {@link #ensureValid()} for the rest.
     */
    public static RecordBatch wrap(ByteBuffer buf, int position) {
        int available = buf.limit() - position;
        if (available < HEADER_SIZE) {
            throw new CorruptRecordException("batch header needs " + HEADER_SIZE + " bytes, only "
                    + available + " available at position " + position);
        }
        int length = buf.getInt(position + LENGTH_OFFSET);
        if (length < HEADER_SIZE - LOG_OVERHEAD || length > available - LOG_OVERHEAD) {
            throw new CorruptRecordException("batch length " + length + " at position " + position
                    + " is outside [" + (HEADER_SIZE - LOG_OVERHEAD) + ", " + (available - LOG_OVERHEAD) + "]");
        }
        return new RecordBatch(buf, position);
    }

    /** A view of the batch at the buffer's current position. */
    public static RecordBatch wrap(ByteBuffer buf) {
        return wrap(buf, buf.position());
    }

    /** All batches between the buffer's position and limit, in order; throws if any is cut short. */
    public static List<RecordBatch> batchesOf(ByteBuffer buf) {
        List<RecordBatch> batches = new ArrayList<>();
        int pos = buf.position();
        while (pos < buf.limit()) {
            RecordBatch batch = wrap(buf, pos);
            batches.add(batch);
            pos += batch.sizeInBytes();
        }
        return batches;
    }

    public int position() {
        return start;
    }

    public int sizeInBytes() {
        return LOG_OVERHEAD + buf.getInt(start + LENGTH_OFFSET);
    }

    public long baseOffset() {
        return buf.getLong(start + BASE_OFFSET_OFFSET);
    }

    public long lastOffset() {
        return baseOffset() + lastOffsetDelta();
    }

    public long nextOffset() {
        return lastOffset() + 1;
    }

    public int partitionLeaderEpoch() {
        return buf.getInt(start + PARTITION_LEADER_EPOCH_OFFSET);
    }

    public byte magic() {
        return buf.get(start + MAGIC_OFFSET);
    }

    public long checksum() {
        return Integer.toUnsignedLong(buf.getInt(start + CRC_OFFSET));
    }

    public short attributes() {
        return buf.getShort(start + ATTRIBUTES_OFFSET);
    }

    /** The codec, or an exception if bits 0-2 name none. */
    public CompressionType compressionType() {
        return CompressionType.forId(attributes() & COMPRESSION_MASK);
    }

    public TimestampType timestampType() {
        return (attributes() & TIMESTAMP_TYPE_MASK) == 0 ? TimestampType.CREATE_TIME : TimestampType.LOG_APPEND_TIME;
    }

    public boolean isTransactional() {
        return (attributes() & TRANSACTIONAL_MASK) != 0;
    }

    public boolean isControlBatch() {
        return (attributes() & CONTROL_MASK) != 0;
    }

    /** Whether the log cleaner stamped a delete horizon on this batch (attribute bit 6). */
    public boolean hasDeleteHorizon() {
        return (attributes() & DELETE_HORIZON_MASK) != 0;
    }

    /**
     * KIP-534's delete horizon: the time after which a cleaning pass may remove this batch's
     * tombstones, set by the first pass that kept one; {@link #NO_TIMESTAMP} when not set.
     */
    public long deleteHorizonMs() {
        return hasDeleteHorizon() ? baseTimestamp() : NO_TIMESTAMP;
    }

    public int lastOffsetDelta() {
        return buf.getInt(start + LAST_OFFSET_DELTA_OFFSET);
    }

    public long baseTimestamp() {
        return buf.getLong(start + BASE_TIMESTAMP_OFFSET);
    }

    public long maxTimestamp() {
        return buf.getLong(start + MAX_TIMESTAMP_OFFSET);
    }

    public long producerId() {
        return buf.getLong(start + PRODUCER_ID_OFFSET);
    }

    public short producerEpoch() {
        return buf.getShort(start + PRODUCER_EPOCH_OFFSET);
    }

    public int baseSequence() {
        return buf.getInt(start + BASE_SEQUENCE_OFFSET);
    }

    /** The sequence of the last record, wrapping past {@link Integer#MAX_VALUE} to 0 as Kafka does. */
    public int lastSequence() {
        int base = baseSequence();
        if (base == NO_SEQUENCE) {
            return NO_SEQUENCE;
        }
        long last = (long) base + lastOffsetDelta();
        return (int) (last > Integer.MAX_VALUE ? last - Integer.MAX_VALUE - 1 : last);
    }

    public boolean hasProducerId() {
        return producerId() != NO_PRODUCER_ID;
    }

    public int recordCount() {
        return buf.getInt(start + RECORDS_COUNT_OFFSET);
    }

    public void setBaseOffset(long baseOffset) {
        buf.putLong(start + BASE_OFFSET_OFFSET, baseOffset);
    }

    public void setPartitionLeaderEpoch(int epoch) {
        buf.putInt(start + PARTITION_LEADER_EPOCH_OFFSET, epoch);
    }

    /** CRC32C of attributes through the end of the batch, as it should be stored in the crc field. */
    public long computeChecksum() {
        return crc32c(buf, start + ATTRIBUTES_OFFSET, start + sizeInBytes());
    }

    public boolean isValid() {
        return magic() == MAGIC && checksum() == computeChecksum();
    }

    /** Throws a {@link CorruptRecordException} describing the first problem of magic or CRC. */
    public void ensureValid() {
        if (magic() != MAGIC) {
            throw new CorruptRecordException("batch at offset " + baseOffset() + " has magic " + magic()
                    + ", only magic " + MAGIC + " is supported");
        }
        long stored = checksum();
        long computed = computeChecksum();
        if (stored != computed) {
            throw new CorruptRecordException("batch at offset " + baseOffset() + " has CRC "
                    + Long.toHexString(stored) + " but its bytes give " + Long.toHexString(computed));
        }
    }

    /** A read-only view of exactly this batch's bytes (position 0, limit size); no copy. */
    public ByteBuffer buffer() {
        return buf.duplicate().position(start).limit(start + sizeInBytes()).slice().asReadOnlyBuffer();
    }

    /**
     * A cursor over the records. For an uncompressed batch it reads the batch buffer in place, so
     * keys and values are slices of it; a compressed batch is decompressed once into one array.
     */
    public RecordCursor records() {
        ByteBuffer section = buf.duplicate().position(start + RECORDS_OFFSET).limit(start + sizeInBytes()).slice();
        CompressionType compression = compressionType();
        if (compression != CompressionType.NONE) {
            section = decompress(compression, section);
        }
        long logAppendTime = timestampType() == TimestampType.LOG_APPEND_TIME ? maxTimestamp() : NO_TIMESTAMP;
        return new RecordCursor(section, recordCount(), baseOffset(), baseTimestamp(), logAppendTime);
    }

    /** All records materialised; convenient for tests and tools, not for hot paths. */
    public List<Record> recordList() {
        List<Record> out = new ArrayList<>(Math.max(0, recordCount()));
        RecordCursor cursor = records();
        while (cursor.next()) {
            out.add(cursor.toRecord());
        }
        return out;
    }

    static long crc32c(ByteBuffer buf, int from, int to) {
        CRC32C crc = new CRC32C();
        crc.update(buf.duplicate().limit(to).position(from));
        return crc.getValue();
    }

    private static ByteBuffer decompress(CompressionType compression, ByteBuffer compressed) {
        try (InputStream in = compression.wrapForInput(new ByteBufferInputStream(compressed))) {
            return ByteBuffer.wrap(in.readAllBytes());
        } catch (IOException | RuntimeException e) {
            throw new CorruptRecordException("cannot decompress " + compression.configName() + " records: " + e, e);
        }
    }

    @Override
    public String toString() {
        return "RecordBatch(baseOffset=" + baseOffset() + ", lastOffset=" + lastOffset() + ", size="
                + sizeInBytes() + ", epoch=" + partitionLeaderEpoch() + ")";
    }
}
