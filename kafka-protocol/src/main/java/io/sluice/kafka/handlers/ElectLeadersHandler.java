package io.sluice.kafka.handlers;

import io.sluice.metadata.acl.AclOperation;
import io.sluice.kafka.codec.KafkaApiHandler;
import io.sluice.kafka.codec.KafkaRequest;
import io.sluice.metadata.image.TopicImage;
import io.sluice.server.AdminService;
import io.sluice.server.BrokerServices;
import io.sluice.protocol.TopicPartition;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.ElectionType;
import org.apache.kafka.common.message.ElectLeadersRequestData;
import org.apache.kafka.common.message.ElectLeadersResponseData;
import org.apache.kafka.common.message.ElectLeadersResponseData.PartitionResult;
import org.apache.kafka.common.message.ElectLeadersResponseData.ReplicaElectionResult;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.ApiError;

/**
 * ElectLeaders: preferred-replica elections through {@link AdminService#electPreferredLeaders}; a
 * partition already led by its preferred replica is ELECTION_NOT_NEEDED, and, as in Kafka, left out
 * of the answer to a request for all partitions. Unclean elections (a replica outside the ISR taking
 * over, losing acknowledged writes) are refused for every partition named, with a message.
 */
public final class ElectLeadersHandler implements KafkaApiHandler<ElectLeadersRequestData> {
    private final BrokerServices services;

    public ElectLeadersHandler(BrokerServices services) {
        this.services = services;
    }

    @Override
    public CompletableFuture<ElectLeadersResponseData> handle(KafkaRequest request, ElectLeadersRequestData data) {
        request.requireCluster(AclOperation.ALTER);
        boolean all = data.topicPartitions() == null;
        List<TopicPartition> partitions = new ArrayList<>();
        if (!all) {
            data.topicPartitions().forEach(t -> t.partitions().forEach(p -> partitions.add(new TopicPartition(t.topic(), p))));
        }
        if (request.version() > 0 && data.electionType() != ElectionType.PREFERRED.value) {
            List<TopicPartition> refused = all ? everyPartition() : partitions;
            ApiError error = new ApiError(Errors.INVALID_REQUEST, "Sluice does not do unclean leader elections:"
                    + " a replica outside the ISR may lack acknowledged writes. Bring an in-sync replica back instead.");
            return CompletableFuture.completedFuture(response(refused.stream().map(tp -> new Result(tp, error)).toList()));
        }
        return services.admin().electPreferredLeaders(partitions).thenApply(elections -> {
            if (elections.error() != io.sluice.protocol.ErrorCode.NONE) {
                return new ElectLeadersResponseData().setErrorCode(KafkaErrors.code(elections.error()));
            }
            List<Result> results = new ArrayList<>();
            for (AdminService.ElectionOutcome o : elections.partitions()) {
                if (o.error() == io.sluice.protocol.ErrorCode.NONE && o.alreadyPreferred()) {
                    if (!all) {
                        results.add(new Result(o.partition(), new ApiError(Errors.ELECTION_NOT_NEEDED,
                                "Leader is already the preferred replica.")));
                    }
                } else {
                    results.add(new Result(o.partition(), KafkaErrors.of(o.error(), o.message())));
                }
            }
            return response(results);
        });
    }

    private record Result(TopicPartition partition, ApiError error) {
    }

    private List<TopicPartition> everyPartition() {
        List<TopicPartition> out = new ArrayList<>();
        for (TopicImage t : services.metadata().image().topics().byName().values()) {
            t.partitions().keySet().forEach(p -> out.add(new TopicPartition(t.name(), p)));
        }
        return out;
    }

    private static ElectLeadersResponseData response(List<Result> results) {
        Map<String, ReplicaElectionResult> byTopic = new LinkedHashMap<>();
        for (Result r : results) {
            byTopic.computeIfAbsent(r.partition().topic(), t -> new ReplicaElectionResult().setTopic(t))
                    .partitionResult().add(new PartitionResult().setPartitionId(r.partition().partition())
                            .setErrorCode(r.error().error().code()).setErrorMessage(r.error().message()));
        }
        return new ElectLeadersResponseData().setErrorCode(Errors.NONE.code())
                .setReplicaElectionResults(new ArrayList<>(byTopic.values()));
    }
}
