package io.sluice.network;

import com.google.protobuf.MessageLite;
import com.google.protobuf.Parser;
import io.netty.buffer.ByteBuf;
import io.netty.channel.EventLoopGroup;
import io.sluice.protocol.rpc.ApiKey;
import io.sluice.protocol.tls.ReloadingTls;
import io.sluice.protocol.wire.ResponseFrame;
import io.sluice.protocol.wire.WireConnection;
import java.net.InetSocketAddress;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

/**
 * This node's connections to other nodes' data-plane ports (heartbeats to the controller, forwarded
 * requests, follower fetches), one per address, reopened on demand after a failure. Runs on the
 * server's event loops, so it adds no threads. Thread-safe.
 */
public final class NodeClient implements AutoCloseable {
    private final EventLoopGroup group;
    private final String clientId;
    private final int connectTimeoutMs;
    private final int maxFrameBytes;
    private final Map<InetSocketAddress, CompletableFuture<WireConnection>> connections = new ConcurrentHashMap<>();

    private final ReloadingTls tls;

    public NodeClient(EventLoopGroup group, String clientId, int connectTimeoutMs, int maxFrameBytes) {
        this(group, clientId, connectTimeoutMs, maxFrameBytes, null);
    }

    /** @param tls the TLS of the inter-broker listener, which other nodes are reached on; null for plaintext */
    public NodeClient(EventLoopGroup group, String clientId, int connectTimeoutMs, int maxFrameBytes, ReloadingTls tls) {
        this.tls = tls;
        this.group = group;
        this.clientId = clientId;
        this.connectTimeoutMs = connectTimeoutMs;
        this.maxFrameBytes = maxFrameBytes;
    }

    public <R> CompletableFuture<R> call(InetSocketAddress address, ApiKey api, MessageLite body, Parser<R> parser,
                                         long timeoutMs) {
        return connection(address).thenCompose(c -> c.call(api, body, parser, timeoutMs));
    }

    /** Sends with a raw section; the caller releases the response frame. */
    public CompletableFuture<ResponseFrame> send(InetSocketAddress address, ApiKey api, MessageLite body, ByteBuf raw,
                                                 long timeoutMs) {
        return connection(address).thenCompose(c -> c.send(api, body, raw, timeoutMs));
    }

    private CompletableFuture<WireConnection> connection(InetSocketAddress address) {
        return connections.compute(address, (a, existing) -> {
            if (existing != null && (!existing.isDone() || isUsable(existing))) {
                return existing;
            }
            return WireConnection.connect(group, a, clientId, connectTimeoutMs, maxFrameBytes, tls);
        });
    }

    private static boolean isUsable(CompletableFuture<WireConnection> f) {
        return !f.isCompletedExceptionally() && f.join().isActive();
    }

    @Override
    public void close() {
        connections.values().forEach(f -> f.thenAccept(WireConnection::close));
        connections.clear();
    }
}
