package io.sluice.tools.quorum;

import io.sluice.protocol.tls.ReloadingTls;
import io.netty.channel.EventLoopGroup;
import io.sluice.protocol.ErrorCode;
import io.sluice.protocol.SluiceException;
import io.sluice.protocol.rpc.AddRaftVoterRequest;
import io.sluice.protocol.rpc.ApiKey;
import io.sluice.protocol.rpc.Endpoint;
import io.sluice.protocol.rpc.RaftVoterResponse;
import io.sluice.protocol.rpc.RemoveRaftVoterRequest;
import io.sluice.protocol.rpc.DescribeClusterRequest;
import io.sluice.protocol.rpc.DescribeClusterResponse;
import io.sluice.protocol.rpc.DescribeQuorumRequest;
import io.sluice.protocol.rpc.DescribeQuorumResponse;
import io.sluice.protocol.wire.Frames;
import io.sluice.protocol.wire.Transport;
import io.sluice.protocol.wire.WireConnection;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Asks one node of a cluster about the metadata quorum and the registered brokers. Used by the quorum
 * launcher (to wait until a cluster is up) and by {@code metadata-quorum}. One connection per call:
 * these are occasional operator requests. Not thread-safe; close after use.
 */
public final class QuorumProbe implements AutoCloseable {
    private final EventLoopGroup group = Transport.newGroup(1, "sluice-probe");
    private final int timeoutMs;
    private final ReloadingTls tls;

    public QuorumProbe(int timeoutMs) {
        this(timeoutMs, null);
    }

    /** @param tls the client TLS of a secured local cluster's internal listener, or null */
    public QuorumProbe(int timeoutMs, ReloadingTls tls) {
        this.timeoutMs = timeoutMs;
        this.tls = tls;
    }

    public DescribeQuorumResponse describeQuorum(InetSocketAddress node) throws Exception {
        DescribeQuorumResponse r = call(node, ApiKey.DESCRIBE_QUORUM, DescribeQuorumRequest.getDefaultInstance(),
                DescribeQuorumResponse.parser());
        if (r.getError() != ErrorCode.NONE) {
            throw new SluiceException(r.getError(), r.getErrorMessage());
        }
        return r;
    }

    public DescribeClusterResponse describeCluster(InetSocketAddress node) throws Exception {
        DescribeClusterResponse r = call(node, ApiKey.DESCRIBE_CLUSTER, DescribeClusterRequest.getDefaultInstance(),
                DescribeClusterResponse.parser());
        if (r.getError() != ErrorCode.NONE) {
            throw new SluiceException(r.getError(), r.getErrorMessage());
        }
        return r;
    }

    /**
     * Asks the first reachable node to unregister broker-only node {@code brokerId}; fails with the
     * cluster's error (a voter, an unknown id, a node still running) as a {@link SluiceException}.
     */
    public void unregisterBroker(List<InetSocketAddress> bootstrap, int brokerId) throws Exception {
        io.sluice.protocol.rpc.UnregisterBrokerResponse r = firstAnswer(bootstrap, ApiKey.UNREGISTER_BROKER,
                io.sluice.protocol.rpc.UnregisterBrokerRequest.newBuilder().setBrokerId(brokerId).build(),
                io.sluice.protocol.rpc.UnregisterBrokerResponse.parser());
        if (r.getError() != ErrorCode.NONE) {
            throw new SluiceException(r.getError(), r.getErrorMessage());
        }
    }

    /**
     * Asks the first reachable node to make running broker-only node {@code nodeId} a voter; fails with
     * the cluster's error (already a voter, not a member, the quorum would be lost) as a {@link SluiceException}.
     */
    public void addRaftVoter(List<InetSocketAddress> bootstrap, int nodeId, List<Endpoint> listeners) throws Exception {
        check(firstAnswer(bootstrap, ApiKey.ADD_RAFT_VOTER, AddRaftVoterRequest.newBuilder().setVoterId(nodeId)
                .addAllListeners(listeners).build(), RaftVoterResponse.parser()));
    }

    /** As {@link #addRaftVoter}, making voter {@code nodeId} a broker-only node. */
    public void removeRaftVoter(List<InetSocketAddress> bootstrap, int nodeId) throws Exception {
        check(firstAnswer(bootstrap, ApiKey.REMOVE_RAFT_VOTER, RemoveRaftVoterRequest.newBuilder().setVoterId(nodeId)
                .build(), RaftVoterResponse.parser()));
    }

    private static void check(RaftVoterResponse r) {
        if (r.getError() != ErrorCode.NONE) {
            throw new SluiceException(r.getError(), r.getErrorMessage());
        }
    }

    /** The answer of the first node of {@code bootstrap} that answers at all. */
    private <R> R firstAnswer(List<InetSocketAddress> bootstrap, ApiKey api, com.google.protobuf.MessageLite request,
                              com.google.protobuf.Parser<R> parser) throws Exception {
        Exception last = null;
        for (InetSocketAddress node : bootstrap) {
            try {
                return call(node, api, request, parser);
            } catch (Exception e) {
                last = e;
            }
        }
        throw unreachable(bootstrap, last);
    }

    /** Tries each address in turn and returns the first node's answer. */
    public DescribeQuorumResponse describeQuorum(List<InetSocketAddress> bootstrap) throws Exception {
        Exception last = null;
        for (InetSocketAddress node : bootstrap) {
            try {
                return describeQuorum(node);
            } catch (Exception e) {
                last = e;
            }
        }
        throw unreachable(bootstrap, last);
    }

    private <R> R call(InetSocketAddress node, ApiKey api, com.google.protobuf.MessageLite request,
                       com.google.protobuf.Parser<R> parser) throws Exception {
        WireConnection connection = await(WireConnection.connect(group, node, "sluice-tools", timeoutMs,
                Frames.DEFAULT_MAX_FRAME_BYTES, tls));
        try {
            return await(connection.call(api, request, parser, timeoutMs));
        } finally {
            connection.close();
        }
    }

    private <T> T await(java.util.concurrent.CompletableFuture<T> future) throws Exception {
        try {
            return future.get(timeoutMs + 1000L, TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw e.getCause() instanceof Exception ex ? ex : e;
        } catch (TimeoutException e) {
            throw new SluiceException(ErrorCode.REQUEST_TIMED_OUT, "no answer within " + timeoutMs + " ms");
        }
    }

    static SluiceException unreachable(List<InetSocketAddress> bootstrap, Exception last) {
        StringBuilder addresses = new StringBuilder();
        for (InetSocketAddress a : bootstrap) {
            addresses.append(addresses.length() == 0 ? "" : ",").append(a.getHostString()).append(':').append(a.getPort());
        }
        return new SluiceException(ErrorCode.NETWORK_EXCEPTION, "could not reach any of " + addresses
                + (last != null ? " (" + last.getMessage() + ")" : "")
                + "; is the cluster running? Start it with ./sluice quorum start");
    }

    @Override
    public void close() {
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
    }
}
