package io.sluice.protocol.record;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Steps through the records of one batch without allocating per record: {@link #next()} parses the
 * record's varint header and remembers where key, value and headers lie; the accessors read them on
 * demand. {@link #key()} and {@link #value()} return read-only slices of the records section (the
 * batch buffer itself for uncompressed batches).
 *
 * <pre>
 * length varint | attributes int8 | timestampDelta varlong | offsetDelta varint |
 * keyLength varint | key | valueLength varint | value | headerCount varint |
 * (headerKeyLength varint | headerKey | headerValueLength varint | headerValue)*
 * </pre>
 *
 * Not thread-safe. Malformed bytes throw {@link CorruptRecordException}.
 */
public final class RecordCursor {
    private final ByteBuffer section;
    private final int count;
    private final long baseOffset;
    private final long baseTimestamp;
    private final long logAppendTime;

    private int index;
    private int recordStart;
    private int recordEnd;
    private long offset;
    private long timestamp;
    private long timestampDelta;
    private int attributesPos;
    private int afterTimestampPos;
    private int keyPos;
    private int keySize;
    private int valuePos;
    private int valueSize;
    private int headersPos;
    private int headerCount;

    RecordCursor(ByteBuffer section, int count, long baseOffset, long baseTimestamp, long logAppendTime) {
        this.section = section;
        this.count = count;
        this.baseOffset = baseOffset;
        this.baseTimestamp = baseTimestamp;
        this.logAppendTime = logAppendTime;
    }

    /** Moves to the next record; false when all {@code recordCount} records were read. */
    public boolean next() {
        if (index >= count) {
            if (section.hasRemaining()) {
                throw new CorruptRecordException(section.remaining() + " bytes after the last of " + count + " records");
            }
            return false;
        }
        try {
            parseRecord();
        } catch (RuntimeException e) {
            if (e instanceof CorruptRecordException c) {
                throw c;
            }
            throw new CorruptRecordException("record " + index + " of " + count + " is malformed: " + e, e);
        }
        index++;
        return true;
    }

    private void parseRecord() {
        recordStart = section.position();
        int length = Varints.readVarint(section);
        if (length < 0 || length > section.remaining()) {
            throw new CorruptRecordException("record " + index + " length " + length + " exceeds the "
                    + section.remaining() + " bytes left");
        }
        int end = section.position() + length;
        recordEnd = end;
        attributesPos = section.position();
        section.get(); // record attributes: unused by magic 2
        timestampDelta = Varints.readVarlong(section);
        afterTimestampPos = section.position();
        int offsetDelta = Varints.readVarint(section);
        offset = baseOffset + offsetDelta;
        timestamp = logAppendTime != RecordBatch.NO_TIMESTAMP ? logAppendTime : baseTimestamp + timestampDelta;
        keySize = Varints.readVarint(section);
        keyPos = skipBytes(keySize);
        valueSize = Varints.readVarint(section);
        valuePos = skipBytes(valueSize);
        headerCount = Varints.readVarint(section);
        if (headerCount < 0) {
            throw new CorruptRecordException("record at offset " + offset + " has header count " + headerCount);
        }
        headersPos = section.position();
        for (int i = 0; i < headerCount; i++) {
            int keyLength = Varints.readVarint(section);
            if (keyLength < 0) {
                throw new CorruptRecordException("header key of record at offset " + offset + " is null");
            }
            skipBytes(keyLength);
            skipBytes(Varints.readVarint(section));
        }
        if (section.position() != end) {
            throw new CorruptRecordException("record at offset " + offset + " states length " + length
                    + " but its fields take " + (section.position() - end + length));
        }
    }

    /** Skips a length-prefixed field and returns where it started; -1 length means null. */
    private int skipBytes(int size) {
        if (size < 0) {
            if (size != -1) {
                throw new CorruptRecordException("negative field length " + size);
            }
            return -1;
        }
        int pos = section.position();
        section.position(pos + size);
        return pos;
    }

    public long offset() {
        return offset;
    }

    /**
     * The current record's encoding, length prefix included, as a read-only slice: deltas are relative
     * to the batch's base offset and timestamp, so it can be copied into another batch with the same
     * bases (the log cleaner does, leaving records it keeps byte for byte as they were).
     */
    public ByteBuffer recordBytes() {
        return section.duplicate().limit(recordEnd).position(recordStart).slice().asReadOnlyBuffer();
    }

    /**
     * The current record encoded for a batch whose base timestamp is {@code newBaseTimestamp}: the
     * timestamp delta re-computed so the record's timestamp stays the same, everything else (offset
     * delta, key, value, headers) copied. The log cleaner uses it when it stores a delete horizon in
     * the base timestamp (KIP-534).
     */
    public ByteBuffer recordBytesRebased(long newBaseTimestamp) {
        long delta = baseTimestamp + timestampDelta - newBaseTimestamp;
        ByteBuffer rest = section.duplicate().limit(recordEnd).position(afterTimestampPos);
        int bodySize = 1 + Varints.sizeOfVarlong(delta) + rest.remaining();
        ByteBuffer out = ByteBuffer.allocate(Varints.sizeOfVarint(bodySize) + bodySize);
        Varints.writeVarint(bodySize, out);
        out.put(section.get(attributesPos));
        Varints.writeVarlong(delta, out);
        out.put(rest);
        return out.flip();
    }

    /** The offset delta of the current record relative to the batch's base offset. */
    public int offsetDelta() {
        return (int) (offset - baseOffset);
    }

    public long timestamp() {
        return timestamp;
    }

    public int keySize() {
        return keySize;
    }

    public int valueSize() {
        return valueSize;
    }

    public ByteBuffer key() {
        return slice(keyPos, keySize);
    }

    public ByteBuffer value() {
        return slice(valuePos, valueSize);
    }

    public int headerCount() {
        return headerCount;
    }

    /** The headers of the current record; allocates, so call it only when headers are wanted. */
    public List<Header> headers() {
        if (headerCount == 0) {
            return Collections.emptyList();
        }
        ByteBuffer in = section.duplicate().position(headersPos);
        List<Header> headers = new ArrayList<>(headerCount);
        for (int i = 0; i < headerCount; i++) {
            byte[] key = new byte[Varints.readVarint(in)];
            in.get(key);
            int valueLength = Varints.readVarint(in);
            byte[] value = null;
            if (valueLength >= 0) {
                value = new byte[valueLength];
                in.get(value);
            }
            headers.add(new Header(new String(key, StandardCharsets.UTF_8), value));
        }
        return headers;
    }

    public Record toRecord() {
        return new Record(offset, timestamp, key(), value(), headers());
    }

    private ByteBuffer slice(int pos, int size) {
        if (pos < 0) {
            return null;
        }
        return section.slice(pos, size).asReadOnlyBuffer();
    }
}
