package io.sluice.kafka.codec;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.LengthFieldBasedFrameDecoder;
import io.netty.handler.codec.TooLongFrameException;

/**
 * Splits a Kafka connection's bytes into request frames: a 4-byte size, then that many bytes (the
 * size is stripped). A negative size or one above the broker's limit ({@code max.frame.bytes},
 * Kafka's {@code socket.request.max.bytes}) fails the connection before any of it is buffered; so does
 * one above {@link #MAX_UNAUTHENTICATED_FRAME_BYTES} before the connection authenticated (Kafka's
 * {@code sasl.server.max.receive.size}), so a stranger cannot make the broker buffer 100 MB.
 */
public final class KafkaFrameDecoder extends LengthFieldBasedFrameDecoder {
    /** Largest frame read before SASL authentication completes. */
    public static final int MAX_UNAUTHENTICATED_FRAME_BYTES = 524_288;
    private final KafkaSession session;

    public KafkaFrameDecoder(int maxFrameBytes, KafkaSession session) {
        super(maxFrameBytes, 0, 4, 0, 4, true);
        this.session = session;
    }

    @Override
    protected Object decode(ChannelHandlerContext ctx, ByteBuf in) throws Exception {
        if (session.principal() == null && in.readableBytes() >= 4
                && in.getInt(in.readerIndex()) > MAX_UNAUTHENTICATED_FRAME_BYTES) {
            throw new TooLongFrameException("a frame of " + in.getInt(in.readerIndex())
                    + " bytes before authentication (at most " + MAX_UNAUTHENTICATED_FRAME_BYTES + ")");
        }
        return super.decode(ctx, in);
    }
}
