package io.sluice.client;

import com.google.protobuf.MessageLite;
import io.netty.buffer.ByteBuf;
import io.netty.channel.EventLoopGroup;
import io.sluice.protocol.ErrorCode;
import io.sluice.protocol.SluiceException;
import io.sluice.protocol.Time;
import io.sluice.protocol.rpc.ApiKey;
import io.sluice.protocol.wire.ResponseFrame;
import io.sluice.protocol.wire.Transport;
import io.sluice.protocol.wire.WireConnection;
import java.net.InetSocketAddress;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * The client's connections: at most one {@link WireConnection} per broker address, opened on first
 * use and reopened after it drops. A failed connect puts the address in exponential backoff
 * ({@code reconnect.backoff.ms} doubling up to {@code reconnect.backoff.max.ms}); sends during the
 * backoff fail at once, so callers move on to another node instead of queueing behind a dead one.
 *
 * <p>Owns one event-loop thread; every response completes on it. Thread-safe.
 */
public final class NetworkClient implements Network {
    private final EventLoopGroup group;
    private final String clientId;
    private final int connectTimeoutMs;
    private final int maxFrameBytes;
    private final long backoffMs;
    private final long backoffMaxMs;
    private final Time time;
    private final Map<String, Connection> connections = new ConcurrentHashMap<>();

    /** Per address: the current (or last) connection attempt and the failures since the last success. */
    private static final class Connection {
        CompletableFuture<WireConnection> future;
        int failures;
        long retryAtMs;
        String lastError = "";
    }

    private final io.sluice.protocol.tls.ReloadingTls tls;
    private final io.sluice.protocol.sasl.SaslCredentials sasl;

    public NetworkClient(CommonConfig config, String clientId, Time time) {
        this.group = Transport.newGroup(1, "sluice-client-" + clientId);
        this.clientId = clientId;
        this.connectTimeoutMs = config.getInt(CommonConfig.CONNECTION_SETUP_TIMEOUT_MS);
        this.maxFrameBytes = config.getInt(CommonConfig.MAX_RESPONSE_BYTES);
        this.tls = config.tls();
        this.sasl = config.sasl();
        this.backoffMs = config.getLong(CommonConfig.RECONNECT_BACKOFF_MS);
        this.backoffMaxMs = config.getLong(CommonConfig.RECONNECT_BACKOFF_MAX_MS);
        this.time = time;
    }

    @Override
    public CompletableFuture<ResponseFrame> send(Node node, ApiKey api, MessageLite body, ByteBuf raw, long timeoutMs) {
        CompletableFuture<WireConnection> connection;
        try {
            connection = connect(node);
        } catch (SluiceException e) {
            release(raw);
            return CompletableFuture.failedFuture(e);
        }
        WireConnection ready = established(connection);
        if (ready != null) { // the common case: no extra stage, no extra allocation
            return ready.send(api, body, raw, timeoutMs);
        }
        return connection.handle((c, error) -> {
            if (error != null) {
                release(raw);
                return CompletableFuture.<ResponseFrame>failedFuture(unwrap(error));
            }
            return c.send(api, body, raw, timeoutMs);
        }).thenCompose(f -> f);
    }

    @Override
    public boolean isConnected(Node node) {
        Connection c = connections.get(node.address());
        if (c == null) {
            return false;
        }
        synchronized (c) {
            WireConnection wc = established(c.future);
            return wc != null && wc.isActive();
        }
    }

    /** Whether sends to this address would fail at once because it is in reconnect backoff. */
    public boolean isBackingOff(Node node) {
        Connection c = connections.get(node.address());
        if (c == null) {
            return false;
        }
        synchronized (c) {
            return c.future.isCompletedExceptionally() && time.monotonicMs() < c.retryAtMs;
        }
    }

    private CompletableFuture<WireConnection> connect(Node node) {
        Connection c = connections.computeIfAbsent(node.address(), a -> new Connection());
        synchronized (c) {
            if (c.future != null) {
                if (!c.future.isDone()) {
                    return c.future;
                }
                WireConnection wc = established(c.future);
                if (wc != null && wc.isActive()) {
                    return c.future;
                }
                long now = time.monotonicMs();
                if (wc == null && now < c.retryAtMs) {
                    throw new SluiceException(ErrorCode.NETWORK_EXCEPTION, "cannot reach " + node + ": " + c.lastError
                            + "; next attempt in " + (c.retryAtMs - now) + " ms");
                }
            }
            c.future = open(node, c);
            return c.future;
        }
    }

    private CompletableFuture<WireConnection> open(Node node, Connection c) {
        InetSocketAddress address = new InetSocketAddress(node.host(), node.port());
        CompletableFuture<WireConnection> attempt = address.isUnresolved()
                ? CompletableFuture.failedFuture(new SluiceException(ErrorCode.NETWORK_EXCEPTION,
                        "cannot resolve host '" + node.host() + "' of " + node.address()))
                : WireConnection.connect(group, address, clientId, connectTimeoutMs, maxFrameBytes, tls, sasl);
        return attempt.whenComplete((wc, error) -> {
                    synchronized (c) {
                        if (error == null) {
                            c.failures = 0;
                        } else {
                            long delay = Math.min(backoffMaxMs, backoffMs << Math.min(c.failures, 20));
                            c.failures++;
                            c.retryAtMs = time.monotonicMs() + delay;
                            c.lastError = unwrap(error).getMessage();
                        }
                    }
                });
    }

    /** The connection if the attempt succeeded, null if it failed or is still running (never throws). */
    private static WireConnection established(CompletableFuture<WireConnection> attempt) {
        return attempt != null && attempt.isDone() && !attempt.isCompletedExceptionally() ? attempt.join() : null;
    }

    @Override
    public void close() {
        for (Connection c : connections.values()) {
            synchronized (c) {
                if (c.future != null) {
                    c.future.thenAccept(WireConnection::close);
                }
            }
        }
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
    }

    private static void release(ByteBuf raw) {
        if (raw != null) {
            raw.release();
        }
    }

    /** The cause of a future's failure without CompletableFuture's wrappers. */
    public static Throwable unwrap(Throwable t) {
        while (t instanceof CompletionException && t.getCause() != null) {
            t = t.getCause();
        }
        if (t instanceof java.util.concurrent.ExecutionException && t.getCause() != null) {
            return unwrap(t.getCause());
        }
        return t;
    }
}
