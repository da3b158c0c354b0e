package io.sluice.kafka.handlers;

import io.sluice.kafka.codec.KafkaApiHandler;
import io.sluice.kafka.codec.KafkaRequest;
import io.sluice.protocol.TopicPartition;
import io.sluice.server.AdminService;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.message.ListPartitionReassignmentsRequestData;
import org.apache.kafka.common.message.ListPartitionReassignmentsRequestData.ListPartitionReassignmentsTopics;
import org.apache.kafka.common.message.ListPartitionReassignmentsResponseData;
import org.apache.kafka.common.message.ListPartitionReassignmentsResponseData.OngoingPartitionReassignment;
import org.apache.kafka.common.message.ListPartitionReassignmentsResponseData.OngoingTopicReassignment;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.ApiError;

/**
 * ListPartitionReassignments: the reassignments in progress, of the partitions named (null topics:
 * of all), as {@link AdminService#listReassignments} reads them; partitions that do not exist or are
 * not being reassigned are left out, as Kafka does.
 */
public final class ListPartitionReassignmentsHandler implements KafkaApiHandler<ListPartitionReassignmentsRequestData> {
    private final AdminService admin;

    public ListPartitionReassignmentsHandler(AdminService admin) {
        this.admin = admin;
    }

    @Override
    public CompletableFuture<ListPartitionReassignmentsResponseData> handle(KafkaRequest request,
                                                                            ListPartitionReassignmentsRequestData data) {
        Set<TopicPartition> wanted = null;
        if (data.topics() != null) {
            wanted = new HashSet<>();
            for (ListPartitionReassignmentsTopics topic : data.topics()) {
                for (int p : topic.partitionIndexes()) {
                    wanted.add(new TopicPartition(topic.name(), p));
                }
            }
        }
        return admin.listReassignments(wanted).handle((ongoing, error) -> {
            if (error != null) {
                ApiError e = KafkaErrors.of(error);
                return new ListPartitionReassignmentsResponseData().setErrorCode(e.error().code())
                        .setErrorMessage(e.message());
            }
            Map<String, OngoingTopicReassignment> byTopic = new LinkedHashMap<>();
            for (AdminService.OngoingReassignment o : ongoing) {
                byTopic.computeIfAbsent(o.partition().topic(), t -> new OngoingTopicReassignment().setName(t))
                        .partitions().add(new OngoingPartitionReassignment().setPartitionIndex(o.partition().partition())
                                .setReplicas(new ArrayList<>(o.replicas()))
                                .setAddingReplicas(new ArrayList<>(o.adding()))
                                .setRemovingReplicas(new ArrayList<>(o.removing())));
            }
            return new ListPartitionReassignmentsResponseData().setErrorCode(Errors.NONE.code())
                    .setTopics(new ArrayList<>(byTopic.values()));
        });
    }
}
