package io.sluice.server;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.sluice.network.Connections;
import java.util.List;
import java.util.function.Consumer;
import io.netty.channel.ChannelPipeline;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tells a connection's protocol from its first five bytes, installs that protocol's handlers and
 * steps aside (the bytes read so far go to them). Both protocols start with a 4-byte length; then a
 * Kafka request has its int16 API key, whose high byte is 0 for every API Kafka defines (keys are
 * below 256), while a native frame has the varint length of its header, which is at least 2 since a
 * header always names its API. So a zero fifth byte means Kafka.
 */
final class ProtocolDetector extends ByteToMessageDecoder {
    private static final Logger log = LoggerFactory.getLogger(ProtocolDetector.class);
    /** The native protocol's name in logs and metrics. */
    static final String NATIVE = "sluice";
    private final Consumer<ChannelPipeline> nativeProtocol;
    private final ConnectionProtocol other;
    private final Listener listener;
    private final Connections connections;

    /**
     * @param nativeProtocol sets up a native connection, or null to close those (a listener other than
     *                       the inter-broker one)
     * @param other the protocol of connections that are not native, or null to close those
     */
    ProtocolDetector(Consumer<ChannelPipeline> nativeProtocol, ConnectionProtocol other, Listener listener,
                     Connections connections) {
        this.nativeProtocol = nativeProtocol;
        this.other = other;
        this.listener = listener;
        this.connections = connections;
    }

    /** Whether a connection whose first bytes are {@code in} (five or more readable) speaks the native protocol. */
    static boolean isNative(ByteBuf in) {
        return in.getByte(in.readerIndex() + 4) != 0;
    }

    /**
     * Whether the first bytes are a TLS handshake record (type 22, version 3.x): as a frame length they
     * would be above 369 MB, which no frame may be, so no request of either protocol starts so.
     */
    static boolean isTlsHandshake(ByteBuf in) {
        return in.getByte(in.readerIndex()) == 0x16 && in.getByte(in.readerIndex() + 1) == 0x03;
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        if (in.readableBytes() < 5) {
            return;
        }
        if (isTlsHandshake(in)) {
            log.info("Closing connection from {}: a TLS handshake on listener {}, which is {} (a client set to"
                    + " SSL or SASL_SSL on a plaintext port?)", ctx.channel().remoteAddress(), listener.name(),
                    listener.protocol());
            in.skipBytes(in.readableBytes());
            ctx.close();
            return;
        }
        if (isNative(in) && nativeProtocol == null) {
            log.warn("Closing connection from {}: a Sluice frame on listener {}, which serves only Kafka's protocol",
                    ctx.channel().remoteAddress(), listener.name());
            in.skipBytes(in.readableBytes());
            ctx.close();
            return;
        }
        if (isNative(in)) {
            connections.opened(NATIVE, ctx.channel());
            nativeProtocol.accept(ctx.pipeline());
        } else if (other != null) {
            connections.opened(other.name(), ctx.channel());
            other.initConnection(ctx.pipeline(), listener);
        } else {
            log.warn("Closing connection from {}: not a Sluice frame, and no other protocol is served",
                    ctx.channel().remoteAddress());
            in.skipBytes(in.readableBytes());
            ctx.close();
            return;
        }
        ctx.pipeline().remove(this);
    }
}
