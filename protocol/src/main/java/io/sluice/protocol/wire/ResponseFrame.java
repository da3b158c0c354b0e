package io.sluice.protocol.wire;

import io.netty.buffer.ByteBuf;
import io.sluice.protocol.rpc.ResponseHeader;

/**
 * A decoded response: header, body bytes and the raw section (fetched record batches). Owns one
 * reference to the underlying frame buffer; {@link #release()} once the body is parsed and the raw
 * bytes are consumed or copied. Not thread-safe.
 */
public record ResponseFrame(ResponseHeader header, ByteBuf body, ByteBuf raw, ByteBuf frame) {
    public void release() {
        frame.release();
    }
}
