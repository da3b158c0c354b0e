package io.sluice.protocol.wire;

import io.netty.buffer.ByteBuf;
import io.sluice.protocol.rpc.RequestHeader;

/**
 * A decoded request: its header, the body bytes (parse with {@link Frames#parse}) and the raw section.
 * Owns one reference to the underlying frame buffer; {@link #release()} once the request is handled
 * (after the raw bytes were appended to the log, for a produce request). Not thread-safe.
 */
public record RequestFrame(RequestHeader header, ByteBuf body, ByteBuf raw, ByteBuf frame) {
    public void release() {
        frame.release();
    }
}
