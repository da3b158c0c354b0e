package io.sluice.protocol.wire;

import io.netty.handler.codec.LengthFieldBasedFrameDecoder;

/**
 * Cuts the byte stream into frames by their 4-byte length prefix and strips the prefix. A frame above
 * the limit fails the pipeline with a {@code TooLongFrameException} before its bytes are buffered,
 * so one bad client cannot exhaust a node's memory.
 */
public final class FrameDecoder extends LengthFieldBasedFrameDecoder {
    public FrameDecoder(int maxFrameBytes) {
        super(maxFrameBytes, 0, 4, 0, 4, true);
    }
}
