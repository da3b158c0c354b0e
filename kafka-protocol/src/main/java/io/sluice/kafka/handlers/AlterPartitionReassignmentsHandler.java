package io.sluice.kafka.handlers;

import io.sluice.kafka.codec.KafkaApiHandler;
import io.sluice.kafka.codec.KafkaRequest;
import io.sluice.protocol.TopicPartition;
import io.sluice.server.AdminService;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.message.AlterPartitionReassignmentsRequestData;
import org.apache.kafka.common.message.AlterPartitionReassignmentsRequestData.ReassignablePartition;
import org.apache.kafka.common.message.AlterPartitionReassignmentsRequestData.ReassignableTopic;
import org.apache.kafka.common.message.AlterPartitionReassignmentsResponseData;
import org.apache.kafka.common.message.AlterPartitionReassignmentsResponseData.ReassignablePartitionResponse;
import org.apache.kafka.common.message.AlterPartitionReassignmentsResponseData.ReassignableTopicResponse;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.ApiError;

/**
 * AlterPartitionReassignments (KIP-455, v1 adds KIP-860's allowReplicationFactorChange): target
 * replicas, or null replicas to cancel, per partition, through {@link AdminService#alterReassignments};
 * each partition answers on its own. A failure of the whole call (the quorum unreachable) is the
 * request's error.
 */
public final class AlterPartitionReassignmentsHandler
        implements KafkaApiHandler<AlterPartitionReassignmentsRequestData> {
    private final AdminService admin;

    public AlterPartitionReassignmentsHandler(AdminService admin) {
        this.admin = admin;
    }

    @Override
    public CompletableFuture<AlterPartitionReassignmentsResponseData> handle(
            KafkaRequest request, AlterPartitionReassignmentsRequestData data) {
        List<AdminService.Reassignment> reassignments = new ArrayList<>();
        for (ReassignableTopic topic : data.topics()) {
            for (ReassignablePartition p : topic.partitions()) {
                reassignments.add(new AdminService.Reassignment(new TopicPartition(topic.name(), p.partitionIndex()),
                        p.replicas()));
            }
        }
        boolean keepReplicationFactor = request.version() >= 1 && !data.allowReplicationFactorChange();
        return admin.alterReassignments(reassignments, keepReplicationFactor).handle((outcomes, error) -> {
            AlterPartitionReassignmentsResponseData response = new AlterPartitionReassignmentsResponseData()
                    .setAllowReplicationFactorChange(!keepReplicationFactor);
            if (error != null) {
                ApiError e = KafkaErrors.of(error);
                return response.setErrorCode(e.error().code()).setErrorMessage(e.message());
            }
            Map<String, ReassignableTopicResponse> byTopic = new LinkedHashMap<>();
            for (AdminService.ReassignmentOutcome o : outcomes) {
                ApiError e = KafkaErrors.of(o.error(), o.message());
                byTopic.computeIfAbsent(o.partition().topic(), t -> new ReassignableTopicResponse().setName(t))
                        .partitions().add(new ReassignablePartitionResponse().setPartitionIndex(o.partition().partition())
                                .setErrorCode(e.error().code()).setErrorMessage(e.message()));
            }
            return response.setErrorCode(Errors.NONE.code()).setResponses(new ArrayList<>(byTopic.values()));
        });
    }
}
