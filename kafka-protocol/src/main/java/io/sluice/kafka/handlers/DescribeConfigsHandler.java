package io.sluice.kafka.handlers;

import io.sluice.metadata.acl.AclOperation;
import io.sluice.kafka.codec.KafkaApiHandler;
import io.sluice.kafka.codec.KafkaRequest;
import io.sluice.kafka.admin.KafkaConfigs;
import io.sluice.server.BrokerServices;
import io.sluice.server.ConfigValue;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.message.DescribeConfigsRequestData;
import org.apache.kafka.common.message.DescribeConfigsRequestData.DescribeConfigsResource;
import org.apache.kafka.common.message.DescribeConfigsResponseData;
import org.apache.kafka.common.message.DescribeConfigsResponseData.DescribeConfigsResult;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.ApiError;

/**
 * DescribeConfigs of topics (their effective settings, from this node's image) and of this broker
 * (its own settings, read-only; the cluster-wide default resource, named "", has no dynamic settings
 * in Sluice and is empty). Kafka's admin client sends a broker's resource to that broker, so another
 * broker's id is INVALID_REQUEST here, as in Kafka. Needs DESCRIBE_CONFIGS on the topic (on the cluster
 * for a broker resource).
 */
public final class DescribeConfigsHandler implements KafkaApiHandler<DescribeConfigsRequestData> {
    private final BrokerServices services;

    public DescribeConfigsHandler(BrokerServices services) {
        this.services = services;
    }

    @Override
    public CompletableFuture<DescribeConfigsResponseData> handle(KafkaRequest request, DescribeConfigsRequestData data) {
        DescribeConfigsResponseData response = new DescribeConfigsResponseData();
        for (DescribeConfigsResource resource : data.resources()) {
            ApiError refused = AlterConfigsHandler.refusal(request, resource.resourceType(), resource.resourceName(),
                    AclOperation.DESCRIBE_CONFIGS);
            response.results().add(refused == null ? describe(resource, data.includeSynonyms(), data.includeDocumentation())
                    : new DescribeConfigsResult().setResourceType(resource.resourceType())
                            .setResourceName(resource.resourceName()).setErrorCode(refused.error().code())
                            .setErrorMessage(refused.message()));
        }
        return CompletableFuture.completedFuture(response);
    }

    private DescribeConfigsResult describe(DescribeConfigsResource resource, boolean synonyms, boolean docs) {
        DescribeConfigsResult result = new DescribeConfigsResult().setResourceType(resource.resourceType())
                .setResourceName(resource.resourceName()).setErrorCode(Errors.NONE.code());
        ConfigResource.Type type = ConfigResource.Type.forId(resource.resourceType());
        List<ConfigValue> values;
        switch (type) {
            case TOPIC -> {
                Optional<List<ConfigValue>> topic = services.admin().topicConfigs(resource.resourceName());
                if (topic.isEmpty()) {
                    return error(result, Errors.UNKNOWN_TOPIC_OR_PARTITION, "Topic '" + resource.resourceName()
                            + "' does not exist");
                }
                values = topic.get();
            }
            case BROKER -> {
                if (resource.resourceName().isEmpty()) {
                    values = List.of();
                } else if (resource.resourceName().equals(Integer.toString(services.nodeId()))) {
                    values = services.admin().brokerConfigs();
                } else {
                    return error(result, Errors.INVALID_REQUEST, "Unexpected broker id, expected "
                            + services.nodeId() + " or empty string, but received " + resource.resourceName());
                }
            }
            default -> {
                return error(result, Errors.INVALID_REQUEST, "Sluice describes only topic and broker configs, not "
                        + type);
            }
        }
        List<String> keys = resource.configurationKeys();
        for (ConfigValue value : values) {
            if (keys == null || keys.isEmpty() || keys.contains(value.name())) {
                result.configs().add(KafkaConfigs.describe(value, type == ConfigResource.Type.TOPIC, synonyms, docs));
            }
        }
        return result;
    }

    private static DescribeConfigsResult error(DescribeConfigsResult result, Errors error, String message) {
        return result.setErrorCode(error.code()).setErrorMessage(message);
    }
}
