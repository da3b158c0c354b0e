package io.sluice.protocol.wire;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.MessageLite;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.CompositeByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.util.concurrent.ScheduledFuture;
import io.sluice.protocol.ErrorCode;
import io.sluice.protocol.SluiceException;
import io.sluice.protocol.rpc.ApiKey;
import io.sluice.protocol.rpc.RequestHeader;
import io.sluice.protocol.rpc.SaslAuthenticateRequest;
import io.sluice.protocol.rpc.SaslAuthenticateResponse;
import io.sluice.protocol.rpc.SaslHandshakeRequest;
import io.sluice.protocol.rpc.SaslHandshakeResponse;
import io.sluice.protocol.sasl.SaslClientExchange;
import io.sluice.protocol.sasl.SaslCredentials;
import com.google.protobuf.ByteString;
import io.sluice.protocol.tls.ReloadingTls;
import java.net.InetSocketAddress;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One client connection to a node's data-plane port: sends requests, matches responses by
 * correlation id, fails a request when its timeout passes and every pending request when the
 * connection drops. Many requests may be in flight at once; the server answers each connection's
 * requests in order.
 *
 * <p>Thread-safe: {@link #send} may be called from any thread; completions run on the connection's
 * event loop, so callers must not block in them.
 */
public final class WireConnection implements AutoCloseable {
    private final Channel channel;
    private final String clientId;
    private final InetSocketAddress address;
    private final AtomicInteger nextCorrelationId = new AtomicInteger();
    private final Map<Integer, Pending> pending = new ConcurrentHashMap<>();

    private record Pending(CompletableFuture<ResponseFrame> future, ScheduledFuture<?> timeout) {
    }

    private WireConnection(Channel channel, String clientId, InetSocketAddress address) {
        this.channel = channel;
        this.clientId = clientId;
        this.address = address;
    }

    /** Opens a connection; the future fails with a NETWORK_EXCEPTION naming the address if it cannot. */
    public static CompletableFuture<WireConnection> connect(EventLoopGroup group, InetSocketAddress address,
                                                           String clientId, int connectTimeoutMs, int maxFrameBytes) {
        return connect(group, address, clientId, connectTimeoutMs, maxFrameBytes, null);
    }

    /**
     * Opens a connection, over TLS when {@code tls} is not null (to a node's TLS inter-broker listener):
     * requests sent before the handshake completes wait for it, and a failed handshake fails them.
     */
    public static CompletableFuture<WireConnection> connect(EventLoopGroup group, InetSocketAddress address,
                                                           String clientId, int connectTimeoutMs, int maxFrameBytes,
                                                           ReloadingTls tls) {
        return connect(group, address, clientId, connectTimeoutMs, maxFrameBytes, tls, null);
    }

    /**
     * Opens a connection over TLS when {@code tls} is not null and, when {@code sasl} is not null,
     * authenticates it with SASL (SaslHandshake, then SaslAuthenticate until the exchange completes) before
     * the future completes: a wrong password fails it with SASL_AUTHENTICATION_FAILED and closes the
     * connection.
     */
    public static CompletableFuture<WireConnection> connect(EventLoopGroup group, InetSocketAddress address,
                                                           String clientId, int connectTimeoutMs, int maxFrameBytes,
                                                           ReloadingTls tls, SaslCredentials sasl) {
        CompletableFuture<WireConnection> opened = open(group, address, clientId, connectTimeoutMs, maxFrameBytes, tls);
        if (sasl == null) {
            return opened;
        }
        return opened.thenCompose(c -> c.authenticate(sasl, connectTimeoutMs).whenComplete((ok, error) -> {
            if (error != null) {
                c.close();
            }
        }));
    }

    private CompletableFuture<WireConnection> authenticate(SaslCredentials sasl, long timeoutMs) {
        SaslClientExchange exchange = sasl.newExchange();
        return call(ApiKey.SASL_HANDSHAKE, SaslHandshakeRequest.newBuilder().setMechanism(sasl.mechanism()).build(),
                SaslHandshakeResponse.parser(), timeoutMs)
                .thenCompose(h -> step(exchange, exchange.initial(), timeoutMs));
    }

    private CompletableFuture<WireConnection> step(SaslClientExchange exchange, byte[] token, long timeoutMs) {
        return call(ApiKey.SASL_AUTHENTICATE, SaslAuthenticateRequest.newBuilder()
                .setAuthBytes(ByteString.copyFrom(token)).build(), SaslAuthenticateResponse.parser(), timeoutMs)
                .thenCompose(r -> {
                    byte[] next;
                    try {
                        next = r.getAuthBytes().isEmpty() && exchange.isComplete() ? null
                                : exchange.evaluate(r.getAuthBytes().toByteArray());
                    } catch (SaslClientExchange.SaslFailure e) {
                        return CompletableFuture.failedFuture(new SluiceException(ErrorCode.SASL_AUTHENTICATION_FAILED,
                                "authentication with " + addressText() + " failed: " + e.getMessage()));
                    }
                    if (r.getComplete()) {
                        if (!exchange.isComplete()) {
                            return CompletableFuture.failedFuture(new SluiceException(
                                    ErrorCode.SASL_AUTHENTICATION_FAILED, "authentication with " + addressText()
                                    + " failed: the server did not prove it knows the user's keys"));
                        }
                        return CompletableFuture.completedFuture(this);
                    }
                    if (next == null) {
                        return CompletableFuture.failedFuture(new SluiceException(ErrorCode.ILLEGAL_SASL_STATE,
                                "SASL exchange with " + addressText() + " did not complete"));
                    }
                    return step(exchange, next, timeoutMs);
                });
    }

    private static CompletableFuture<WireConnection> open(EventLoopGroup group, InetSocketAddress address,
                                                         String clientId, int connectTimeoutMs, int maxFrameBytes,
                                                         ReloadingTls tls) {
        CompletableFuture<WireConnection> result = new CompletableFuture<>();
        ResponseHandler handler = new ResponseHandler();
        Bootstrap bootstrap = new Bootstrap()
                .group(group)
                .channel(Transport.socketChannel())
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, connectTimeoutMs)
                .handler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        if (tls != null) {
                            ch.pipeline().addLast("tls", tls.newClientHandler(ch.alloc(), address.getHostString(),
                                    address.getPort()));
                        }
                        ch.pipeline().addLast("frameDecoder", new FrameDecoder(maxFrameBytes));
                        ch.pipeline().addLast("responses", handler);
                    }
                });
        ChannelFuture connect = bootstrap.connect(address);
        connect.addListener(f -> {
            if (f.isSuccess()) {
                WireConnection connection = new WireConnection(connect.channel(), clientId, address);
                handler.connection = connection;
                connect.channel().closeFuture().addListener(c -> connection.failAll("connection to "
                        + address.getHostString() + ":" + address.getPort() + " closed"));
                result.complete(connection);
            } else {
                result.completeExceptionally(new SluiceException(ErrorCode.NETWORK_EXCEPTION,
                        "cannot connect to " + address.getHostString() + ":" + address.getPort() + ": "
                                + describe(f.cause()), f.cause()));
            }
        });
        return result;
    }

    /**
     * Sends a request. {@code raw} (record batches, may be null) is appended after the body and released
     * by this call. The future completes with the response frame, which the caller must release.
     */
    public CompletableFuture<ResponseFrame> send(ApiKey api, MessageLite body, ByteBuf raw, long timeoutMs) {
        int correlationId = nextCorrelationId.incrementAndGet();
        RequestHeader header = RequestHeader.newBuilder()
                .setApi(api)
                .setCorrelationId(correlationId)
                .setClientId(clientId)
                .build();
        CompletableFuture<ResponseFrame> future = new CompletableFuture<>();
        ScheduledFuture<?> timeout = channel.eventLoop().schedule(() -> expire(correlationId, api, timeoutMs),
                timeoutMs, TimeUnit.MILLISECONDS);
        pending.put(correlationId, new Pending(future, timeout));
        // Checked after registering, so a close racing this send fails it at once (closeFuture's
        // failAll runs after the close), not after its whole timeout.
        if (!channel.isActive()) {
            if (raw != null) {
                raw.release();
            }
            complete(correlationId, null, closedError());
            return future;
        }
        Object message;
        try {
            int rawBytes = raw == null ? 0 : raw.readableBytes();
            ByteBuf head = Frames.encodeHead(channel.alloc(), header, body, rawBytes);
            message = head;
            if (raw != null) {
                CompositeByteBuf composite = channel.alloc().compositeDirectBuffer(2);
                composite.addComponents(true, head, raw);
                message = composite;
            }
        } catch (RuntimeException e) {
            if (raw != null) {
                raw.release();
            }
            complete(correlationId, null, new SluiceException(ErrorCode.INVALID_REQUEST,
                    "cannot encode " + api + " request: " + e.getMessage(), e));
            return future;
        }
        channel.writeAndFlush(message).addListener(f -> {
            if (!f.isSuccess()) {
                complete(correlationId, null, new SluiceException(ErrorCode.NETWORK_EXCEPTION,
                        "sending to " + addressText() + " failed: " + describe(f.cause()), f.cause()));
            }
        });
        return future;
    }

    /**
     * Sends a request without raw bytes and parses the response body. A response that failed as a
     * whole completes the future with a {@link SluiceException} carrying the server's code and text.
     */
    public <R> CompletableFuture<R> call(ApiKey api, MessageLite body, com.google.protobuf.Parser<R> parser,
                                         long timeoutMs) {
        return send(api, body, null, timeoutMs).thenApply(frame -> {
            try {
                if (frame.header().getError() != ErrorCode.NONE) {
                    throw new SluiceException(frame.header().getError(), frame.header().getErrorMessage());
                }
                return Frames.parse(frame.body(), parser);
            } catch (InvalidProtocolBufferException e) {
                throw new SluiceException(ErrorCode.MALFORMED_REQUEST,
                        "malformed " + api + " response from " + addressText() + ": " + e.getMessage(), e);
            } finally {
                frame.release();
            }
        });
    }

    public boolean isActive() {
        return channel.isActive();
    }

    public InetSocketAddress address() {
        return address;
    }

    public int inFlight() {
        return pending.size();
    }

    @Override
    public void close() {
        channel.close();
    }

    private void expire(int correlationId, ApiKey api, long timeoutMs) {
        complete(correlationId, null, new SluiceException(ErrorCode.REQUEST_TIMED_OUT,
                api + " request to " + addressText() + " got no response within " + timeoutMs + " ms"));
    }

    private void complete(int correlationId, ResponseFrame frame, Throwable error) {
        Pending p = pending.remove(correlationId);
        if (p == null) {
            if (frame != null) {
                frame.release(); // answered after its timeout
            }
            return;
        }
        p.timeout().cancel(false);
        if (error != null) {
            p.future().completeExceptionally(error);
        } else if (!p.future().complete(frame)) {
            frame.release();
        }
    }

    private void failAll(String reason) {
        for (Integer id : pending.keySet()) {
            complete(id, null, new SluiceException(ErrorCode.NETWORK_EXCEPTION, reason));
        }
    }

    private SluiceException closedError() {
        return new SluiceException(ErrorCode.NETWORK_EXCEPTION, "connection to " + addressText() + " is closed");
    }

    private String addressText() {
        return address.getHostString() + ":" + address.getPort();
    }

    private static String describe(Throwable t) {
        if (t == null) {
            return "unknown error";
        }
        return t.getMessage() != null ? t.getMessage() : t.getClass().getSimpleName();
    }

    /** Decodes response frames and hands each to the request waiting for it. */
    private static final class ResponseHandler extends SimpleChannelInboundHandler<ByteBuf> {
        volatile WireConnection connection;

        ResponseHandler() {
            super(false);
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, ByteBuf msg) throws Exception {
            ResponseFrame frame = Frames.decodeResponse(msg);
            connection.complete(frame.header().getCorrelationId(), frame, null);
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            // A malformed or oversized response leaves the stream unusable: close, which fails every request.
            ctx.close();
        }
    }
}
