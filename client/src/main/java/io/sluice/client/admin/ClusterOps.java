package io.sluice.client.admin;

import io.sluice.client.Node;
import io.sluice.protocol.TopicPartition;
import io.sluice.protocol.ErrorCode;
import io.sluice.protocol.Errors;
import io.sluice.protocol.SluiceException;
import io.sluice.protocol.rpc.ApiKey;
import io.sluice.protocol.rpc.BrokerDescription;
import io.sluice.protocol.rpc.DescribeClusterRequest;
import io.sluice.protocol.rpc.DescribeClusterResponse;
import io.sluice.protocol.rpc.DescribeLogCleanerRequest;
import io.sluice.protocol.rpc.DescribeLogCleanerResponse;
import io.sluice.protocol.rpc.DescribeQuorumRequest;
import io.sluice.protocol.rpc.DescribeQuorumResponse;
import io.sluice.protocol.rpc.ElectLeadersRequest;
import io.sluice.protocol.rpc.ElectLeadersResponse;
import io.sluice.protocol.rpc.LogCleanerProgress;
import io.sluice.protocol.rpc.PartitionResult;
import io.sluice.protocol.rpc.ReplicaState;
import io.sluice.protocol.rpc.TopicPartitions;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The cluster-level operations of {@link Admin}. Stateless. */
final class ClusterOps {
    private ClusterOps() {
    }

    static ClusterDescription describeCluster(Admin admin) {
        DescribeClusterResponse r = admin.call(ApiKey.DESCRIBE_CLUSTER, DescribeClusterRequest.getDefaultInstance(),
                DescribeClusterResponse.parser());
        check(r.getError(), r.getErrorMessage(), "describing the cluster");
        List<Node> brokers = new ArrayList<>();
        List<Integer> fenced = new ArrayList<>();
        for (BrokerDescription b : r.getBrokersList()) {
            brokers.add(new Node(b.getBrokerId(), b.getEndpoint().getHost(), b.getEndpoint().getPort()));
            if (b.getFenced()) {
                fenced.add(b.getBrokerId());
            }
        }
        return new ClusterDescription(r.getClusterId(), r.getControllerId(), brokers, fenced);
    }

    static QuorumInfo describeQuorum(Admin admin) {
        DescribeQuorumResponse r = admin.call(ApiKey.DESCRIBE_QUORUM, DescribeQuorumRequest.getDefaultInstance(),
                DescribeQuorumResponse.parser());
        check(r.getError(), r.getErrorMessage(), "describing the quorum");
        return new QuorumInfo(r.getLeaderId(), r.getLeaderEpoch(), r.getHighWatermark(), replicas(r.getCurrentVotersList()),
                replicas(r.getObserversList()));
    }

    static Map<TopicPartition, CleanerProgress> describeLogCleaner(Admin admin, Node broker, Collection<String> topics) {
        DescribeLogCleanerResponse r = admin.callNode(broker, ApiKey.DESCRIBE_LOG_CLEANER,
                DescribeLogCleanerRequest.newBuilder().addAllTopics(topics).build(), DescribeLogCleanerResponse.parser());
        check(r.getError(), r.getErrorMessage(), "describing the log cleaner of broker " + broker.id());
        Map<TopicPartition, CleanerProgress> out = new LinkedHashMap<>();
        for (LogCleanerProgress p : r.getPartitionsList()) {
            out.put(new TopicPartition(p.getTopic(), p.getPartition()), new CleanerProgress(p.getDirtyRatio(),
                    p.getLastCleanedOffset(), p.getPasses(), p.getRecordsRemoved()));
        }
        return out;
    }

    static Map<TopicPartition, ErrorCode> electLeaders(Admin admin, Collection<TopicPartition> partitions) {
        Map<String, TopicPartitions.Builder> byTopic = new LinkedHashMap<>();
        for (TopicPartition tp : partitions) {
            byTopic.computeIfAbsent(tp.topic(), t -> TopicPartitions.newBuilder().setTopic(t)).addPartitions(tp.partition());
        }
        ElectLeadersRequest.Builder request = ElectLeadersRequest.newBuilder().setTimeoutMs(admin.requestTimeoutMs());
        byTopic.values().forEach(request::addPartitions);
        ElectLeadersResponse r = admin.call(ApiKey.ELECT_LEADERS, request.build(), ElectLeadersResponse.parser());
        check(r.getError(), r.getErrorMessage(), "electing leaders");
        Map<TopicPartition, ErrorCode> errors = new LinkedHashMap<>();
        for (PartitionResult p : r.getPartitionsList()) {
            if (p.getError() != ErrorCode.NONE) {
                errors.put(new TopicPartition(p.getTopic(), p.getPartition()), p.getError());
            }
        }
        return errors;
    }

    private static List<QuorumInfo.ReplicaState> replicas(List<ReplicaState> states) {
        List<QuorumInfo.ReplicaState> out = new ArrayList<>();
        for (ReplicaState s : states) {
            out.add(new QuorumInfo.ReplicaState(s.getReplicaId(), s.getLogEndOffset(), s.getLastFetchTimestamp(),
                    s.getLastCaughtUpTimestamp()));
        }
        return out;
    }

    private static void check(ErrorCode error, String message, String what) {
        if (error != ErrorCode.NONE) {
            throw new SluiceException(error, what + " failed: " + Errors.describe(error, message));
        }
    }
}
