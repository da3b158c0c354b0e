package io.sluice.server;

import io.sluice.metadata.MetadataNode;
import io.sluice.metadata.image.BrokerRegistration;
import io.sluice.network.NodeClient;
import io.sluice.protocol.ErrorCode;
import io.sluice.protocol.SluiceException;
import io.sluice.protocol.rpc.ApiKey;
import io.sluice.protocol.rpc.DescribeQuorumRequest;
import io.sluice.protocol.rpc.DescribeQuorumResponse;
import io.sluice.protocol.rpc.ReplicaState;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.concurrent.CompletableFuture;

/**
 * The metadata quorum as its leader sees it (only the leader knows how far each follower got): served
 * locally on the leader, asked of the leader's data-plane port on any other node. Stateless;
 * thread-safe.
 */
public final class QuorumDescriber {
    private static final int FORWARD_TIMEOUT_MS = 5_000;
    private final MetadataNode metadata;
    private final NodeConfig config;
    private final NodeClient client;

    /** One voter or observer: its log end (the Raft index it has) and when it last fetched and caught up. */
    public record Replica(int id, long logEndOffset, long lastFetchTimestamp, long lastCaughtUpTimestamp) {
    }

    /** The leader's view; {@code voterAddresses} are the voters' Raft endpoints (host:port) by id. */
    public record Quorum(String clusterId, int leaderId, long leaderEpoch, long highWatermark, List<Replica> voters,
                         List<Replica> observers, Map<Integer, String> voterAddresses) {
    }

    QuorumDescriber(MetadataNode metadata, NodeConfig config, NodeClient client) {
        this.metadata = metadata;
        this.config = config;
        this.client = client;
    }

    public CompletableFuture<Quorum> describe() {
        return describeProto().thenApply(r -> {
            if (r.getError() != ErrorCode.NONE) {
                throw new SluiceException(r.getError(), r.getErrorMessage());
            }
            return new Quorum(r.getClusterId(), r.getLeaderId(), r.getLeaderEpoch(), r.getHighWatermark(),
                    r.getCurrentVotersList().stream().map(QuorumDescriber::replica).toList(),
                    r.getObserversList().stream().map(QuorumDescriber::replica).toList(), voterAddresses(r));
        });
    }

    /** The voters' Raft addresses in the leader's current configuration (they change with add/remove-controller). */
    private static Map<Integer, String> voterAddresses(DescribeQuorumResponse r) {
        Map<Integer, String> addresses = new java.util.TreeMap<>();
        for (ReplicaState s : r.getCurrentVotersList()) {
            addresses.put(s.getReplicaId(), s.getRaftAddress());
        }
        return addresses;
    }

    private static Replica replica(ReplicaState s) {
        return new Replica(s.getReplicaId(), s.getLogEndOffset(), s.getLastFetchTimestamp(),
                s.getLastCaughtUpTimestamp());
    }

    /** The native answer; fails with NOT_CONTROLLER while no leader is known. */
    CompletableFuture<DescribeQuorumResponse> describeProto() {
        if (metadata.isLeader()) {
            return CompletableFuture.completedFuture(metadata.describeQuorum());
        }
        OptionalInt leader = metadata.leaderId();
        BrokerRegistration leaderBroker = leader.isPresent() ? metadata.image().cluster().broker(leader.getAsInt()) : null;
        if (leaderBroker == null) {
            return CompletableFuture.failedFuture(new SluiceException(ErrorCode.NOT_CONTROLLER,
                    "no metadata leader is known yet (an election may be under way); retry in a moment"));
        }
        InetSocketAddress address = new InetSocketAddress(leaderBroker.host(), leaderBroker.port());
        return client.call(address, ApiKey.DESCRIBE_QUORUM, DescribeQuorumRequest.getDefaultInstance(),
                DescribeQuorumResponse.parser(), FORWARD_TIMEOUT_MS);
    }

    /**
     * Takes broker-only node {@code brokerId} out of the metadata quorum's Raft configuration, so the
     * leader stops sending it the log (Kafka's UnregisterBroker). Refused, changing nothing, for a voter
     * (voters change through the quorum itself), for an id that is no member, and for a node still
     * running (it would go on serving on a metadata log that no longer reaches it): stop it first.
     * Its registration stays, fenced, as a stopped broker's does. Blocks for the Raft round trip.
     */
    public void unregisterBroker(int brokerId) {
        if (metadata.voters().containsKey(brokerId)) {
            throw new SluiceException(ErrorCode.INVALID_REQUEST, "node " + brokerId + " is a voter of the metadata"
                    + " quorum, not a broker-only node; only broker-only nodes are unregistered");
        }
        if (!metadata.observers().contains(brokerId)) {
            throw new SluiceException(ErrorCode.BROKER_ID_NOT_REGISTERED, "node " + brokerId + " is not a broker-only"
                    + " member of the metadata quorum (its broker-only nodes are " + metadata.observers() + ")");
        }
        if (metadata.image().cluster().isUnfenced(brokerId)) {
            throw new SluiceException(ErrorCode.INVALID_REQUEST, "broker " + brokerId + " is still running;"
                    + " stop it first, then unregister it");
        }
        try {
            metadata.removeObserver(brokerId);
        } catch (java.io.IOException | IllegalArgumentException e) {
            throw new SluiceException(ErrorCode.REQUEST_TIMED_OUT, "unregistering broker " + brokerId + " failed: "
                    + e.getMessage() + "; retry");
        }
    }
}
