package io.sluice.network;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.DecoderException;
import io.netty.handler.ssl.NotSslRecordException;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import io.sluice.protocol.tls.ReloadingTls;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLPeerUnverifiedException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The TLS stage of a server connection: {@code tls -> tlsGuard -> regionsToBytes} at the front of the
 * pipeline, before the protocol is told from the (decrypted) first bytes. The guard turns a failed
 * handshake (plaintext bytes on a TLS port, an untrusted or expired client certificate) into one log
 * line and a closed connection. {@link #principal} is the connection's certificate principal, Kafka's
 * default principal builder's {@code User:<subject DN>}, for any protocol and for the authorizer.
 *
 * <p>Stateless helpers; the guard is per connection and confined to its event loop.
 */
public final class TlsConnections {
    private static final Logger log = LoggerFactory.getLogger(TlsConnections.class);

    private TlsConnections() {
    }

    /** Adds the TLS stage at the end of a new server connection's pipeline. */
    public static void addServerStage(ChannelPipeline pipeline, ReloadingTls tls, String listener) {
        Channel ch = pipeline.channel();
        pipeline.addLast("tls", tls.newServerHandler(ch.alloc()))
                .addLast("tlsGuard", new Guard(listener))
                .addLast("regionsToBytes", FileRegionToBytes.INSTANCE);
    }

    /**
     * {@code User:<subject DN of the peer's certificate>} (RFC 2253, e.g. {@code User:CN=alice,OU=eng}) of a
     * TLS connection whose client presented a certificate; null for a connection without TLS or without a
     * client certificate. Valid once the handshake is done, i.e. from the first request on.
     */
    public static String principal(Channel channel) {
        SslHandler ssl = channel.pipeline().get(SslHandler.class);
        if (ssl == null || !ssl.handshakeFuture().isSuccess()) {
            return null;
        }
        try {
            return "User:" + ssl.engine().getSession().getPeerPrincipal().getName();
        } catch (SSLPeerUnverifiedException e) {
            return null;
        }
    }

    /** Whether the connection is encrypted. */
    public static boolean isTls(Channel channel) {
        return channel.pipeline().get(SslHandler.class) != null;
    }

    private static final class Guard extends ChannelInboundHandlerAdapter {
        private final String listener;
        private boolean logged;

        Guard(String listener) {
            this.listener = listener;
        }

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
            if (evt instanceof SslHandshakeCompletionEvent done && !done.isSuccess()) {
                refuse(ctx, done.cause());
                return;
            }
            super.userEventTriggered(ctx, evt);
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            if (cause instanceof DecoderException && cause.getCause() instanceof SSLException
                    || cause instanceof SSLException) {
                refuse(ctx, cause);
            } else {
                ctx.fireExceptionCaught(cause);
            }
        }

        private void refuse(ChannelHandlerContext ctx, Throwable cause) {
            if (!logged) {
                logged = true;
                Throwable why = cause instanceof DecoderException && cause.getCause() != null ? cause.getCause() : cause;
                String reason = why instanceof NotSslRecordException ? "not TLS (plaintext on a TLS listener?)"
                        : why.getClass().getSimpleName() + ": " + why.getMessage();
                log.info("Closing connection from {} on TLS listener {}: TLS handshake failed: {}",
                        ctx.channel().remoteAddress(), listener, reason);
            }
            ctx.close();
        }
    }
}
