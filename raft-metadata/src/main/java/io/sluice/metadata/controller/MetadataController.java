package io.sluice.metadata.controller;

import io.sluice.metadata.image.MetadataImage;
import io.sluice.protocol.ErrorCode;
import io.sluice.protocol.metadata.ClusterIdRecord;
import io.sluice.protocol.metadata.InitializeClusterCommand;
import io.sluice.protocol.metadata.MetadataCommand;
import io.sluice.protocol.metadata.MetadataCommandResult;
import io.sluice.protocol.metadata.MetadataRecord;
import io.sluice.protocol.metadata.RequestRecord;

import java.util.ArrayList;
import java.util.List;

/**
 * The pure heart of apply: {@code (image, command, index) -> (records, result)}. Deterministic (no
 * clock, no randomness, no I/O; time comes from the command), so every node computes the same records
 * from the same log. A refused command yields an error result and no records, never an exception.
 *
 * <p>Commands carrying a request id are idempotent: the outcome is remembered (as a
 * {@code RequestRecord} in the image) and a repeat gets that outcome back, marked duplicate, with no
 * records. Stateless and thread-safe.
 */
public final class MetadataController {

    private MetadataController() {
    }

    /**
     * @param index the Raft index of the entry holding {@code command} (becomes a broker's epoch)
     */
    public static ControllerResult execute(MetadataImage image, MetadataCommand command, long index, long term) {
        String requestId = command.getRequestId();
        if (!requestId.isEmpty()) {
            MetadataCommandResult earlier = image.requests().outcome(requestId);
            if (earlier != null) {
                return ControllerResult.of(List.of(), earlier.toBuilder().setDuplicate(true).build());
            }
        }
        ControllerResult result = dispatch(image, command, index, term);
        if (requestId.isEmpty()) {
            return result;
        }
        List<MetadataRecord> records = new ArrayList<>(result.records());
        records.add(MetadataRecord.newBuilder().setRequest(
                RequestRecord.newBuilder().setRequestId(requestId).setResult(result.result())).build());
        return ControllerResult.of(records, result.result());
    }

    private static ControllerResult dispatch(MetadataImage image, MetadataCommand command, long index, long term) {
        return switch (command.getCommandCase()) {
            case INITIALIZE_CLUSTER -> initialize(image, command.getInitializeCluster());
            case REGISTER_BROKER -> BrokerControl.register(image, command.getRegisterBroker(), index);
            case FENCE_BROKERS -> BrokerControl.fence(image, command.getFenceBrokers(), term);
            case UNFENCE_BROKER -> BrokerControl.unfence(image, command.getUnfenceBroker());
            case CONTROLLED_SHUTDOWN -> BrokerControl.controlledShutdown(image, command.getControlledShutdown());
            case CREATE_TOPIC -> TopicControl.create(image, command.getCreateTopic(), index);
            case DELETE_TOPIC -> TopicControl.delete(image, command.getDeleteTopic());
            case CREATE_PARTITIONS -> TopicControl.createPartitions(image, command.getCreatePartitions());
            case ALTER_CONFIGS -> TopicControl.alterConfigs(image, command.getAlterConfigs());
            case ALTER_PARTITIONS -> PartitionControl.alterPartitions(image, command.getAlterPartitions());
            case ELECT_PREFERRED_LEADERS -> PartitionControl.electPreferred(image, command.getElectPreferredLeaders());
            case COMMIT_OFFSETS -> GroupControl.commitOffsets(image, command.getCommitOffsets(), command.getTimestampMs());
            case DELETE_GROUP_OFFSETS -> GroupControl.deleteOffsets(image, command.getDeleteGroupOffsets());
            case ALLOCATE_PRODUCER_IDS -> GroupControl.allocateProducerIds(image, command.getAllocateProducerIds());
            case ALTER_SCRAM_CREDENTIALS -> ScramControl.alter(image, command.getAlterScramCredentials());
            case ALTER_PARTITION_REASSIGNMENTS ->
                    ReassignmentControl.alter(image, command.getAlterPartitionReassignments());
            case ALTER_BROKER_CONFIGS -> DynamicBrokerConfigs.alter(image, command.getAlterBrokerConfigs());
            case COMMAND_NOT_SET -> ControllerResult.error(ErrorCode.INVALID_REQUEST,
                    "Empty metadata command: this proposer is newer or broken; upgrade the quorum first.");
        };
    }

    /** Sets the cluster id once; a different one later means two clusters share a quorum. */
    private static ControllerResult initialize(MetadataImage image, InitializeClusterCommand cmd) {
        if (cmd.getClusterId().isEmpty()) {
            return ControllerResult.error(ErrorCode.INVALID_REQUEST, "Cluster id is empty: set cluster.id.");
        }
        if (image.clusterId().isEmpty()) {
            return ControllerResult.ok(List.of(MetadataRecord.newBuilder()
                    .setClusterId(ClusterIdRecord.newBuilder().setClusterId(cmd.getClusterId())).build()));
        }
        if (image.clusterId().equals(cmd.getClusterId())) {
            return ControllerResult.ok(List.of());
        }
        return ControllerResult.error(ErrorCode.INCONSISTENT_CLUSTER_ID, "This quorum runs cluster "
                + image.clusterId() + ", not " + cmd.getClusterId() + ": check cluster.id on every node.");
    }
}
