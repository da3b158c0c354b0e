package io.sluice.kafka.codec;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.sluice.server.SegmentRegion;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.message.ResponseHeaderData;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.ObjectSerializationCache;
import org.apache.kafka.common.protocol.Writable;
import org.apache.kafka.common.record.internal.BaseRecords;
import org.apache.kafka.common.record.internal.MemoryRecords;

/**
 * Serializes a Kafka response (size, header, body) with the message classes' own {@code write}, into
 * the chunks to put on the wire: buffers for the fields and, where the body holds log bytes
 * ({@link RegionRecords}), file regions sent with zero copy. One instance per response; not
 * thread-safe.
 */
public final class ResponseWriter implements Writable {
    private final ByteBufAllocator alloc;
    private final List<Object> chunks = new ArrayList<>();
    private ByteBuf current;

    private ResponseWriter(ByteBufAllocator alloc, int capacity) {
        this.alloc = alloc;
        this.current = alloc.ioBuffer(capacity);
    }

    /** The chunks of one response frame, to write in order; the caller owns (and writes or releases) them. */
    public static List<Object> encode(ByteBufAllocator alloc, int correlationId, short headerVersion,
                                      ApiMessage body, short version) {
        ObjectSerializationCache cache = new ObjectSerializationCache();
        ResponseHeaderData header = new ResponseHeaderData().setCorrelationId(correlationId);
        int headerSize = header.size(cache, headerVersion);
        int bodySize = body.size(cache, version);
        ResponseWriter w = new ResponseWriter(alloc, Math.min(4 + headerSize + bodySize, 64 * 1024));
        try {
            w.writeInt(headerSize + bodySize);
            header.write(w, cache, headerVersion);
            body.write(w, cache, version);
            return w.finish();
        } catch (RuntimeException e) {
            w.release();
            throw e;
        }
    }

    private List<Object> finish() {
        if (current.isReadable()) {
            chunks.add(current);
        } else {
            current.release();
        }
        current = null;
        return chunks;
    }

    private void release() {
        if (current != null) {
            current.release();
        }
        for (Object chunk : chunks) {
            io.netty.util.ReferenceCountUtil.release(chunk);
        }
    }

    @Override
    public void writeRecords(BaseRecords records) {
        if (records instanceof RegionRecords region) {
            if (region.sizeInBytes() == 0) {
                return;
            }
            chunks.add(current);
            chunks.add(new SegmentRegion(region.range()));
            current = alloc.ioBuffer(256);
        } else if (records instanceof MemoryRecords memory) {
            writeByteBuffer(memory.buffer());
        } else if (records != null) {
            throw new IllegalArgumentException("cannot write records of type " + records.getClass().getName());
        }
    }

    @Override
    public void writeByte(byte val) {
        current.writeByte(val);
    }

    @Override
    public void writeShort(short val) {
        current.writeShort(val);
    }

    @Override
    public void writeInt(int val) {
        current.writeInt(val);
    }

    @Override
    public void writeLong(long val) {
        current.writeLong(val);
    }

    @Override
    public void writeDouble(double val) {
        current.writeDouble(val);
    }

    @Override
    public void writeByteArray(byte[] arr) {
        current.writeBytes(arr);
    }

    @Override
    public void writeUnsignedVarint(int i) {
        while ((i & 0xffffff80) != 0L) {
            current.writeByte((i & 0x7f) | 0x80);
            i >>>= 7;
        }
        current.writeByte(i);
    }

    @Override
    public void writeByteBuffer(ByteBuffer buf) {
        current.writeBytes(buf.duplicate());
    }

    @Override
    public void writeVarint(int i) {
        writeUnsignedVarint((i << 1) ^ (i >> 31));
    }

    @Override
    public void writeVarlong(long i) {
        long v = (i << 1) ^ (i >> 63);
        while ((v & 0xffffffffffffff80L) != 0L) {
            current.writeByte(((int) v & 0x7f) | 0x80);
            v >>>= 7;
        }
        current.writeByte((int) v);
    }

    @Override
    public void writeUuid(Uuid uuid) {
        current.writeLong(uuid.getMostSignificantBits());
        current.writeLong(uuid.getLeastSignificantBits());
    }
}
