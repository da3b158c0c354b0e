package io.sluice.kafka.handlers;

import io.sluice.metadata.acl.AclOperation;
import io.sluice.kafka.codec.KafkaApiHandler;
import io.sluice.kafka.codec.KafkaRequest;
import io.sluice.server.AdminService;
import io.sluice.server.QuorumDescriber;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.message.DescribeQuorumRequestData;
import org.apache.kafka.common.message.DescribeQuorumResponseData;
import org.apache.kafka.common.message.DescribeQuorumResponseData.Listener;
import org.apache.kafka.common.message.DescribeQuorumResponseData.ListenerCollection;
import org.apache.kafka.common.message.DescribeQuorumResponseData.Node;
import org.apache.kafka.common.message.DescribeQuorumResponseData.PartitionData;
import org.apache.kafka.common.message.DescribeQuorumResponseData.ReplicaState;
import org.apache.kafka.common.message.DescribeQuorumResponseData.TopicData;
import org.apache.kafka.common.requests.ApiError;

/**
 * DescribeQuorum (what {@code kafka-metadata-quorum.sh --bootstrap-server} asks): Sluice's Raft quorum
 * as Kafka's {@code __cluster_metadata} partition 0, from the leader's view (asked of the leader when
 * this node is not it). Raft indexes stand for offsets; the voters' endpoints (v2) are their Raft
 * addresses, under the listener name CONTROLLER; Sluice keeps no directory ids, so they are zero.
 */
public final class DescribeQuorumHandler implements KafkaApiHandler<DescribeQuorumRequestData> {
    static final String METADATA_TOPIC = "__cluster_metadata";
    private final AdminService admin;

    public DescribeQuorumHandler(AdminService admin) {
        this.admin = admin;
    }

    @Override
    public CompletableFuture<DescribeQuorumResponseData> handle(KafkaRequest request, DescribeQuorumRequestData data) {
        request.requireCluster(AclOperation.DESCRIBE);
        return admin.describeQuorum().handle((quorum, error) -> {
            if (error != null) {
                ApiError e = KafkaErrors.of(error);
                return new DescribeQuorumResponseData().setErrorCode(e.error().code()).setErrorMessage(e.message());
            }
            return answer(quorum);
        });
    }

    private static DescribeQuorumResponseData answer(QuorumDescriber.Quorum quorum) {
        PartitionData partition = new PartitionData().setPartitionIndex(0).setLeaderId(quorum.leaderId())
                .setLeaderEpoch((int) quorum.leaderEpoch()).setHighWatermark(quorum.highWatermark())
                .setCurrentVoters(states(quorum.voters())).setObservers(states(quorum.observers()));
        DescribeQuorumResponseData response = new DescribeQuorumResponseData()
                .setTopics(List.of(new TopicData().setTopicName(METADATA_TOPIC).setPartitions(List.of(partition))));
        for (Map.Entry<Integer, String> voter : quorum.voterAddresses().entrySet()) {
            String address = voter.getValue();
            int colon = address.lastIndexOf(':');
            ListenerCollection listeners = new ListenerCollection();
            listeners.add(new Listener().setName("CONTROLLER").setHost(address.substring(0, colon))
                    .setPort(Integer.parseInt(address.substring(colon + 1))));
            response.nodes().add(new Node().setNodeId(voter.getKey()).setListeners(listeners));
        }
        return response;
    }

    private static List<ReplicaState> states(List<QuorumDescriber.Replica> replicas) {
        return replicas.stream().map(r -> new ReplicaState().setReplicaId(r.id()).setReplicaDirectoryId(Uuid.ZERO_UUID)
                .setLogEndOffset(r.logEndOffset()).setLastFetchTimestamp(r.lastFetchTimestamp())
                .setLastCaughtUpTimestamp(r.lastCaughtUpTimestamp())).toList();
    }
}
