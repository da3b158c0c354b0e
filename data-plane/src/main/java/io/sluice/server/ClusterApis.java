package io.sluice.server;

import io.sluice.metadata.MetadataNode;
import io.sluice.metadata.image.BrokerRegistration;
import io.sluice.metadata.image.MetadataImage;
import io.sluice.metadata.image.PartitionRegistration;
import io.sluice.metadata.image.TopicImage;
import io.sluice.network.NativeApis;
import io.sluice.network.RequestContext;
import io.sluice.network.Response;
import io.sluice.protocol.ErrorCode;
import io.sluice.protocol.rpc.ApiKey;
import io.sluice.protocol.rpc.BrokerDescription;
import io.sluice.protocol.rpc.DescribeClusterResponse;
import io.sluice.protocol.rpc.MetadataRequest;
import io.sluice.protocol.rpc.MetadataResponse;
import io.sluice.protocol.rpc.PartitionMetadata;
import io.sluice.protocol.rpc.TopicMetadata;
import io.sluice.protocol.rpc.UnregisterBrokerRequest;
import io.sluice.protocol.rpc.AddRaftVoterRequest;
import io.sluice.protocol.rpc.RemoveRaftVoterRequest;
import io.sluice.protocol.rpc.RaftVoterResponse;
import io.sluice.protocol.rpc.UnregisterBrokerResponse;
import io.sluice.protocol.SluiceException;
import io.sluice.protocol.wire.Frames;
import io.sluice.protocol.wire.RequestFrame;
import java.util.Collection;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * Describes the cluster from this node's metadata image: Metadata (brokers, topics, leaders) and
 * DescribeCluster are served locally; DescribeQuorum needs the Raft leader's view of its followers,
 * so a follower forwards it to the leader. Stateless; thread-safe.
 */
final class ClusterApis {
    private final MetadataNode metadata;
    private final QuorumDescriber quorum;
    private final AdminService admin;

    ClusterApis(MetadataNode metadata, AdminService admin) {
        this.metadata = metadata;
        this.quorum = admin.quorum();
        this.admin = admin;
    }

    void register(NativeApis apis) {
        apis.add(ApiKey.METADATA, this::metadata);
        apis.add(ApiKey.DESCRIBE_CLUSTER, this::describeCluster);
        apis.add(ApiKey.DESCRIBE_QUORUM, this::describeQuorum);
        apis.add(ApiKey.UNREGISTER_BROKER, this::unregisterBroker);
        apis.add(ApiKey.ADD_RAFT_VOTER, this::addRaftVoter);
        apis.add(ApiKey.REMOVE_RAFT_VOTER, this::removeRaftVoter);
    }

    private CompletableFuture<Response> addRaftVoter(RequestContext ctx, RequestFrame frame) throws Exception {
        AddRaftVoterRequest request;
        try {
            request = Frames.parse(frame.body(), AddRaftVoterRequest.parser());
        } finally {
            frame.release();
        }
        return voterResponse(admin.addRaftVoter(request.getVoterId(), request.getListenersList()));
    }

    private CompletableFuture<Response> removeRaftVoter(RequestContext ctx, RequestFrame frame) throws Exception {
        RemoveRaftVoterRequest request;
        try {
            request = Frames.parse(frame.body(), RemoveRaftVoterRequest.parser());
        } finally {
            frame.release();
        }
        return voterResponse(admin.removeRaftVoter(request.getVoterId()));
    }

    private static CompletableFuture<Response> voterResponse(CompletableFuture<Void> change) {
        return change.handle((ok, error) -> {
            RaftVoterResponse.Builder response = RaftVoterResponse.newBuilder().setError(ErrorCode.NONE);
            if (error != null) {
                Throwable cause = error instanceof java.util.concurrent.CompletionException && error.getCause() != null
                        ? error.getCause() : error;
                if (!(cause instanceof SluiceException s)) {
                    throw new java.util.concurrent.CompletionException(cause);
                }
                response.setError(s.code()).setErrorMessage(s.getMessage());
            }
            return Response.of(response.build());
        });
    }

    private CompletableFuture<Response> unregisterBroker(RequestContext ctx, RequestFrame frame) throws Exception {
        UnregisterBrokerRequest request;
        try {
            request = Frames.parse(frame.body(), UnregisterBrokerRequest.parser());
        } finally {
            frame.release();
        }
        // The Raft configuration change blocks: off the event loop.
        return CompletableFuture.supplyAsync(() -> {
            UnregisterBrokerResponse.Builder response = UnregisterBrokerResponse.newBuilder().setError(ErrorCode.NONE);
            try {
                quorum.unregisterBroker(request.getBrokerId());
            } catch (SluiceException e) {
                response.setError(e.code()).setErrorMessage(e.getMessage());
            }
            return Response.of(response.build());
        });
    }

    private CompletableFuture<Response> describeCluster(RequestContext ctx, RequestFrame frame) {
        frame.release();
        MetadataImage image = metadata.image();
        DescribeClusterResponse.Builder response = DescribeClusterResponse.newBuilder()
                .setClusterId(image.clusterId())
                .setControllerId(metadata.leaderId().orElse(-1));
        for (BrokerRegistration b : image.cluster().brokers().values()) {
            response.addBrokers(describe(b.on(ctx.listener())));
        }
        return CompletableFuture.completedFuture(Response.of(response.build()));
    }

    private CompletableFuture<Response> describeQuorum(RequestContext ctx, RequestFrame frame) {
        frame.release();
        return quorum.describeProto().thenApply(Response::of);
    }

    private CompletableFuture<Response> metadata(RequestContext ctx, RequestFrame frame) throws Exception {
        MetadataRequest request;
        try {
            request = Frames.parse(frame.body(), MetadataRequest.parser());
        } finally {
            frame.release();
        }
        MetadataImage image = metadata.image();
        MetadataResponse.Builder response = MetadataResponse.newBuilder()
                .setClusterId(image.clusterId())
                .setControllerId(metadata.leaderId().orElse(-1));
        for (BrokerRegistration b : image.cluster().brokers().values()) {
            if (!b.fenced()) {
                // the addresses of the listener the request came in on, as Kafka answers
                response.addBrokers(describe(b.on(ctx.listener())));
            }
        }
        Collection<String> names = request.getAllTopics() ? image.topics().byName().keySet() : request.getTopicsList();
        for (String name : names) {
            response.addTopics(describe(image, name));
        }
        return CompletableFuture.completedFuture(Response.of(response.build()));
    }

    static TopicMetadata describe(MetadataImage image, String name) {
        TopicImage topic = image.topics().topic(name);
        if (topic == null) {
            return TopicMetadata.newBuilder().setName(name).setError(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION)
                    .setErrorMessage("topic '" + name + "' does not exist").build();
        }
        TopicMetadata.Builder t = TopicMetadata.newBuilder().setName(name).setTopicId(topic.id());
        for (Map.Entry<Integer, PartitionRegistration> e : topic.partitions().entrySet()) {
            PartitionRegistration p = e.getValue();
            PartitionMetadata.Builder pm = PartitionMetadata.newBuilder()
                    .setPartition(e.getKey())
                    .setLeaderId(p.leader())
                    .setLeaderEpoch(p.leaderEpoch())
                    .addAllReplicas(p.replicas())
                    .addAllIsr(p.isr())
                    .setError(p.hasLeader() ? ErrorCode.NONE : ErrorCode.LEADER_NOT_AVAILABLE);
            for (int replica : p.replicas()) {
                if (!image.cluster().isUnfenced(replica)) {
                    pm.addOfflineReplicas(replica);
                }
            }
            t.addPartitions(pm);
        }
        return t.build();
    }

    private static BrokerDescription describe(BrokerRegistration b) {
        return BrokerDescription.newBuilder()
                .setBrokerId(b.id())
                .setEndpoint(b.endpoint())
                .setFenced(b.fenced())
                .setRack(b.rack())
                .build();
    }
}
