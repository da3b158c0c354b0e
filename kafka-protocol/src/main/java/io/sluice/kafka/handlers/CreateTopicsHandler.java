package io.sluice.kafka.handlers;

import io.sluice.metadata.acl.AclOperation;
import io.sluice.kafka.codec.KafkaApiHandler;
import io.sluice.kafka.codec.KafkaRequest;
import io.sluice.kafka.admin.KafkaConfigs;
import io.sluice.server.AdminService;
import io.sluice.server.ConfigValue;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.message.CreateTopicsRequestData;
import org.apache.kafka.common.message.CreateTopicsRequestData.CreatableTopic;
import org.apache.kafka.common.message.CreateTopicsRequestData.CreatableTopicConfig;
import org.apache.kafka.common.message.CreateTopicsResponseData;
import org.apache.kafka.common.message.CreateTopicsResponseData.CreatableTopicConfigs;
import org.apache.kafka.common.message.CreateTopicsResponseData.CreatableTopicResult;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.ApiError;

/**
 * CreateTopics: each topic through {@link AdminService#createTopic} (-1 partitions or replication
 * factor take the cluster's defaults; validateOnly checks without creating). Sluice places replicas
 * itself, so a manual replica assignment is refused with POLICY_VIOLATION; a name given twice in one
 * request is refused with INVALID_REQUEST, as Kafka does. Creating needs CREATE on the cluster or the
 * topic (else TOPIC_AUTHORIZATION_FAILED).
 */
public final class CreateTopicsHandler implements KafkaApiHandler<CreateTopicsRequestData> {
    private final AdminService admin;

    public CreateTopicsHandler(AdminService admin) {
        this.admin = admin;
    }

    @Override
    public CompletableFuture<CreateTopicsResponseData> handle(KafkaRequest request, CreateTopicsRequestData data) {
        Set<String> seen = new HashSet<>();
        Set<String> duplicates = new HashSet<>();
        data.topics().forEach(t -> {
            if (!seen.add(t.name())) {
                duplicates.add(t.name());
            }
        });
        List<CompletableFuture<CreatableTopicResult>> results = new ArrayList<>();
        for (CreatableTopic t : data.topics()) {
            if (duplicates.contains(t.name())) {
                results.add(failed(t.name(), new ApiError(Errors.INVALID_REQUEST,
                        "Create topics request from client '" + request.clientId() + "' contains multiple entries"
                                + " for the following topics: " + t.name())));
            } else if (!request.authorizedOnCluster(AclOperation.CREATE)
                    && !request.authorizedOnTopic(AclOperation.CREATE, t.name())) {
                results.add(failed(t.name(), new ApiError(Errors.TOPIC_AUTHORIZATION_FAILED,
                        request.principal() + " may not CREATE topic " + t.name())));
            } else {
                results.add(create(t, data.validateOnly()));
            }
        }
        return Futures.all(results).thenApply(list -> {
            CreateTopicsResponseData response = new CreateTopicsResponseData();
            list.forEach(r -> response.topics().mustAdd(r));
            return response;
        });
    }

    private CompletableFuture<CreatableTopicResult> create(CreatableTopic t, boolean validateOnly) {
        if (!t.assignments().isEmpty()) {
            return failed(t.name(), new ApiError(Errors.POLICY_VIOLATION, "Sluice places replicas itself and does"
                    + " not take a manual replica assignment; give --partitions and --replication-factor instead"));
        }
        Map<String, String> configs = new HashMap<>();
        for (CreatableTopicConfig c : t.configs()) {
            if (c.value() == null) {
                return failed(t.name(), new ApiError(Errors.INVALID_CONFIG, "Null value not supported for topic"
                        + " config " + c.name()));
            }
            configs.put(c.name(), c.value());
        }
        return admin.createTopic(t.name(), t.numPartitions(), t.replicationFactor(), configs, validateOnly)
                .handle((o, error) -> {
                    if (error != null) {
                        return result(t.name(), KafkaErrors.of(error));
                    }
                    if (!o.ok()) {
                        return result(t.name(), KafkaErrors.of(o.error(), o.message()));
                    }
                    CreatableTopicResult ok = result(t.name(), ApiError.NONE).setTopicId(TopicIds.toKafka(o.topicId()))
                            .setNumPartitions(o.partitions()).setReplicationFactor((short) o.replicationFactor());
                    for (ConfigValue c : admin.topicConfigs(configs)) {
                        ok.configs().add(new CreatableTopicConfigs().setName(c.name()).setValue(c.value())
                                .setReadOnly(c.readOnly()).setIsSensitive(false)
                                .setConfigSource(KafkaConfigs.source(c.source()).id()));
                    }
                    return ok;
                });
    }

    private static CompletableFuture<CreatableTopicResult> failed(String name, ApiError error) {
        return CompletableFuture.completedFuture(result(name, error));
    }

    private static CreatableTopicResult result(String name, ApiError error) {
        return new CreatableTopicResult().setName(name).setErrorCode(error.error().code())
                .setErrorMessage(error.message()).setNumPartitions(-1).setReplicationFactor((short) -1);
    }
}
