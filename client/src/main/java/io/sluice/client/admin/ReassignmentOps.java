package io.sluice.client.admin;

import io.sluice.protocol.ErrorCode;
import io.sluice.protocol.Errors;
import io.sluice.protocol.SluiceException;
import io.sluice.protocol.TopicPartition;
import io.sluice.protocol.rpc.AlterPartitionReassignmentsRequest;
import io.sluice.protocol.rpc.AlterPartitionReassignmentsResponse;
import io.sluice.protocol.rpc.ApiKey;
import io.sluice.protocol.rpc.ListPartitionReassignmentsRequest;
import io.sluice.protocol.rpc.ListPartitionReassignmentsResponse;
import io.sluice.protocol.rpc.OngoingReassignment;
import io.sluice.protocol.rpc.PartitionResult;
import io.sluice.protocol.rpc.ReassignmentTarget;
import io.sluice.protocol.rpc.TopicPartitions;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The partition reassignment operations of {@link Admin}. Stateless. */
final class ReassignmentOps {
    private ReassignmentOps() {
    }

    static Map<TopicPartition, SluiceException> alter(Admin admin, Map<TopicPartition, Optional<List<Integer>>> targets,
                                                      boolean keepReplicationFactor) {
        AlterPartitionReassignmentsRequest.Builder request = AlterPartitionReassignmentsRequest.newBuilder()
                .setKeepReplicationFactor(keepReplicationFactor);
        targets.forEach((tp, replicas) -> request.addReassignments(ReassignmentTarget.newBuilder().setTopic(tp.topic())
                .setPartition(tp.partition()).addAllReplicas(replicas.orElse(List.of())).setCancel(replicas.isEmpty())));
        AlterPartitionReassignmentsResponse r = admin.call(ApiKey.ALTER_PARTITION_REASSIGNMENTS, request.build(),
                AlterPartitionReassignmentsResponse.parser());
        check(r.getError(), r.getErrorMessage(), "reassigning partitions");
        Map<TopicPartition, SluiceException> refused = new LinkedHashMap<>();
        for (PartitionResult p : r.getPartitionsList()) {
            if (p.getError() != ErrorCode.NONE) {
                refused.put(new TopicPartition(p.getTopic(), p.getPartition()),
                        new SluiceException(p.getError(), Errors.describe(p.getError(), p.getErrorMessage())));
            }
        }
        return refused;
    }

    static Map<TopicPartition, PartitionReassignment> list(Admin admin, Collection<TopicPartition> partitions) {
        Map<String, TopicPartitions.Builder> byTopic = new LinkedHashMap<>();
        for (TopicPartition tp : partitions) {
            byTopic.computeIfAbsent(tp.topic(), t -> TopicPartitions.newBuilder().setTopic(t)).addPartitions(tp.partition());
        }
        ListPartitionReassignmentsRequest.Builder request = ListPartitionReassignmentsRequest.newBuilder();
        byTopic.values().forEach(request::addPartitions);
        ListPartitionReassignmentsResponse r = admin.call(ApiKey.LIST_PARTITION_REASSIGNMENTS, request.build(),
                ListPartitionReassignmentsResponse.parser());
        check(r.getError(), r.getErrorMessage(), "listing partition reassignments");
        Map<TopicPartition, PartitionReassignment> ongoing = new LinkedHashMap<>();
        for (OngoingReassignment o : r.getReassignmentsList()) {
            ongoing.put(new TopicPartition(o.getTopic(), o.getPartition()), new PartitionReassignment(
                    o.getReplicasList(), o.getAddingReplicasList(), o.getRemovingReplicasList()));
        }
        return ongoing;
    }

    private static void check(ErrorCode error, String message, String what) {
        if (error != ErrorCode.NONE) {
            throw new SluiceException(error, what + " failed: " + Errors.describe(error, message));
        }
    }
}
