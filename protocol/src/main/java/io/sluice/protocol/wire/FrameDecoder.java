package io.sluice.protocol.wire;

import io.netty.buffer.ByteBuf;
import io.netty.handler.codec.LengthFieldBasedFrameDecoder;
import io.netty.handler.codec.TooLongFrameException;
import java.nio.ByteOrder;
import java.util.function.IntSupplier;

/**
 * Cuts the byte stream into frames by their 4-byte length prefix and strips the prefix. A frame above
 * the limit fails the pipeline with a {@code TooLongFrameException} before its bytes are buffered,
 * so one bad client cannot exhaust a node's memory. A second, changing limit (such as a smaller one
 * before SASL authentication completes) may be given; it is read per frame.
 */
public final class FrameDecoder extends LengthFieldBasedFrameDecoder {
    private final IntSupplier currentLimit;

    public FrameDecoder(int maxFrameBytes) {
        this(maxFrameBytes, () -> Integer.MAX_VALUE);
    }

    /** @param currentLimit the largest frame accepted now, besides {@code maxFrameBytes} */
    public FrameDecoder(int maxFrameBytes, IntSupplier currentLimit) {
        super(maxFrameBytes, 0, 4, 0, 4, true);
        this.currentLimit = currentLimit;
    }

    @Override
    protected long getUnadjustedFrameLength(ByteBuf buf, int offset, int length, ByteOrder order) {
        long frameLength = super.getUnadjustedFrameLength(buf, offset, length, order);
        int limit = currentLimit.getAsInt();
        if (frameLength > limit) {
            throw new TooLongFrameException("frame of " + frameLength + " bytes is above the " + limit
                    + " bytes accepted before authentication");
        }
        return frameLength;
    }
}
