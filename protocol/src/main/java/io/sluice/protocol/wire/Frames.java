package io.sluice.protocol.wire;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.MessageLite;
import com.google.protobuf.Parser;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufOutputStream;
import io.sluice.protocol.ErrorCode;
import io.sluice.protocol.rpc.RequestHeader;
import io.sluice.protocol.rpc.ResponseHeader;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * Encoding and decoding of the data-plane frame:
 *
 * <pre>
 *   int32  length of everything that follows
 *   varint-delimited header   (RequestHeader or ResponseHeader)
 *   varint-delimited body     (the API's request or response message)
 *   raw bytes                 (record batches, or nothing)
 * </pre>
 *
 * The raw section is never parsed here: produce requests hand it to the log as it is, and fetch
 * responses write it as file regions after the head that {@link #encodeHead} builds. Stateless and
 * thread-safe.
 */
public final class Frames {
    /** Frames above this are refused by default (a produce request of 100 MiB is a client bug). */
    public static final int DEFAULT_MAX_FRAME_BYTES = 100 * 1024 * 1024;

    private Frames() {
    }

    /**
     * Builds the length prefix, header and body of a frame whose raw section of {@code rawBytes} bytes
     * the caller writes right after (as a buffer or file regions).
     */
    public static ByteBuf encodeHead(ByteBufAllocator alloc, MessageLite header, MessageLite body, long rawBytes) {
        int headerSize = header.getSerializedSize();
        int bodySize = body.getSerializedSize();
        int headSize = CodedOutputStream.computeUInt32SizeNoTag(headerSize) + headerSize
                + CodedOutputStream.computeUInt32SizeNoTag(bodySize) + bodySize;
        long frameLength = headSize + rawBytes;
        if (frameLength > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("frame of " + frameLength + " bytes is too large");
        }
        ByteBuf buf = alloc.ioBuffer(4 + headSize);
        try {
            buf.writeInt((int) frameLength);
            ByteBufOutputStream out = new ByteBufOutputStream(buf);
            header.writeDelimitedTo(out);
            body.writeDelimitedTo(out);
            return buf;
        } catch (IOException e) {
            buf.release();
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Splits a frame (without its length prefix, as {@link FrameDecoder} passes it on) into a request.
     * The returned frame holds slices of {@code frame} and takes over its reference.
     */
    public static RequestFrame decodeRequest(ByteBuf frame) throws InvalidProtocolBufferException {
        try {
            RequestHeader header = parseDelimited(frame, RequestHeader.parser());
            ByteBuf body = readDelimitedSlice(frame);
            return new RequestFrame(header, body, frame.slice(), frame);
        } catch (InvalidProtocolBufferException | RuntimeException e) {
            frame.release();
            throw e;
        }
    }

    /** As {@link #decodeRequest}, for a response. */
    public static ResponseFrame decodeResponse(ByteBuf frame) throws InvalidProtocolBufferException {
        try {
            ResponseHeader header = parseDelimited(frame, ResponseHeader.parser());
            ByteBuf body = readDelimitedSlice(frame);
            return new ResponseFrame(header, body, frame.slice(), frame);
        } catch (InvalidProtocolBufferException | RuntimeException e) {
            frame.release();
            throw e;
        }
    }

    /** Parses a body slice as the given message type without copying it. */
    public static <T> T parse(ByteBuf body, Parser<T> parser) throws InvalidProtocolBufferException {
        if (body.nioBufferCount() == 1) {
            return parser.parseFrom(CodedInputStream.newInstance(body.nioBuffer()));
        }
        byte[] bytes = new byte[body.readableBytes()];
        body.getBytes(body.readerIndex(), bytes);
        return parser.parseFrom(bytes);
    }

    /** A response header for a request that failed as a whole. */
    public static ResponseHeader errorHeader(int correlationId, ErrorCode code, String message) {
        return ResponseHeader.newBuilder()
                .setCorrelationId(correlationId)
                .setError(code)
                .setErrorMessage(message)
                .build();
    }

    private static <T> T parseDelimited(ByteBuf frame, Parser<T> parser) throws InvalidProtocolBufferException {
        return parse(readDelimitedSlice(frame), parser);
    }

    private static ByteBuf readDelimitedSlice(ByteBuf frame) throws InvalidProtocolBufferException {
        int length = readVarint(frame);
        if (length < 0 || length > frame.readableBytes()) {
            throw new InvalidProtocolBufferException("frame section of " + length + " bytes overruns the frame ("
                    + frame.readableBytes() + " bytes left)");
        }
        ByteBuf slice = frame.slice(frame.readerIndex(), length);
        frame.skipBytes(length);
        return slice;
    }

    private static int readVarint(ByteBuf buf) throws InvalidProtocolBufferException {
        int result = 0;
        for (int shift = 0; shift < 32; shift += 7) {
            if (!buf.isReadable()) {
                throw new InvalidProtocolBufferException("frame ends inside a length prefix");
            }
            byte b = buf.readByte();
            result |= (b & 0x7F) << shift;
            if (b >= 0) {
                return result;
            }
        }
        throw new InvalidProtocolBufferException("malformed length prefix");
    }
}
