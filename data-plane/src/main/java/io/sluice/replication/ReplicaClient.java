package io.sluice.replication;

import com.google.protobuf.MessageLite;
import io.netty.buffer.ByteBuf;
import io.sluice.protocol.rpc.ApiKey;
import io.sluice.protocol.wire.ResponseFrame;
import java.net.InetSocketAddress;
import java.util.concurrent.CompletableFuture;

/**
 * The one network call replication makes: a follower's fetch to its leader (the node client's
 * {@code send}). An interface so that tests play the leader without sockets. The caller releases the
 * response frame. Implementations are thread-safe.
 */
@FunctionalInterface
public interface ReplicaClient {
    CompletableFuture<ResponseFrame> send(InetSocketAddress address, ApiKey api, MessageLite body, ByteBuf raw,
                                          long timeoutMs);
}
