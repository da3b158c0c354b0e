package io.sluice.kafka.handlers;

import io.sluice.metadata.acl.AclOperation;
import io.sluice.kafka.codec.KafkaApiHandler;
import io.sluice.kafka.codec.KafkaRequest;
import io.sluice.kafka.admin.IncrementalConfigOps;
import io.sluice.server.AdminService;
import io.sluice.server.ConfigValue;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.message.AlterConfigsRequestData;
import org.apache.kafka.common.message.AlterConfigsRequestData.AlterConfigsResource;
import org.apache.kafka.common.message.AlterConfigsRequestData.AlterableConfig;
import org.apache.kafka.common.message.AlterConfigsResponseData;
import org.apache.kafka.common.message.AlterConfigsResponseData.AlterConfigsResourceResponse;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.ApiError;

/**
 * The legacy AlterConfigs: a topic's own settings become exactly those given (the rest return to
 * their defaults). Broker settings are static in Sluice (its properties file), so altering them is
 * INVALID_REQUEST with a message saying so; the same for any other resource type. Needs ALTER_CONFIGS
 * on the topic (on the cluster for a broker resource).
 */
public final class AlterConfigsHandler implements KafkaApiHandler<AlterConfigsRequestData> {
    private final AdminService admin;

    public AlterConfigsHandler(AdminService admin) {
        this.admin = admin;
    }

    @Override
    public CompletableFuture<AlterConfigsResponseData> handle(KafkaRequest request, AlterConfigsRequestData data) {
        List<CompletableFuture<AlterConfigsResourceResponse>> results = new ArrayList<>();
        for (AlterConfigsResource resource : data.resources()) {
            ApiError refused = refusal(request, resource.resourceType(), resource.resourceName(), AclOperation.ALTER_CONFIGS);
            results.add((refused != null ? CompletableFuture.completedFuture(refused)
                    : alter(resource, data.validateOnly())).thenApply(error -> new AlterConfigsResourceResponse()
                    .setResourceType(resource.resourceType()).setResourceName(resource.resourceName())
                    .setErrorCode(error.error().code()).setErrorMessage(error.message())));
        }
        return Futures.all(results).thenApply(list -> new AlterConfigsResponseData().setResponses(list));
    }

    private CompletableFuture<ApiError> alter(AlterConfigsResource resource, boolean validateOnly) {
        return alterTopic(admin, resource.resourceType(), resource.resourceName(), validateOnly, current -> {
            Map<String, String> set = new HashMap<>();
            for (AlterableConfig c : resource.configs()) {
                if (c.value() != null) { // a null value leaves the setting out, so it returns to its default
                    set.put(c.name(), c.value());
                }
            }
            List<String> delete = current.stream()
                    .filter(c -> c.source() == ConfigValue.Source.DYNAMIC_TOPIC && !set.containsKey(c.name()))
                    .map(ConfigValue::name).toList();
            return new IncrementalConfigOps.Result(ApiError.NONE, set, delete);
        });
    }

    /**
     * Alters a topic's settings by the change computed from its current ones; a resource that is not a
     * topic, or a topic that does not exist, is refused without asking the quorum.
     */
    static CompletableFuture<ApiError> alterTopic(AdminService admin, byte resourceType, String name,
                                                  boolean validateOnly,
                                                  Function<List<ConfigValue>, IncrementalConfigOps.Result> change) {
        ConfigResource.Type type = ConfigResource.Type.forId(resourceType);
        if (type != ConfigResource.Type.TOPIC) {
            return CompletableFuture.completedFuture(notAlterable(type));
        }
        Optional<List<ConfigValue>> current = admin.topicConfigs(name);
        if (current.isEmpty()) {
            return CompletableFuture.completedFuture(new ApiError(Errors.UNKNOWN_TOPIC_OR_PARTITION,
                    "Topic '" + name + "' does not exist"));
        }
        IncrementalConfigOps.Result result = change.apply(current.get());
        if (result.error().isFailure()) {
            return CompletableFuture.completedFuture(result.error());
        }
        return admin.alterTopicConfigs(name, result.set(), result.delete(), validateOnly).handle((o, error) ->
                error != null ? KafkaErrors.of(error) : KafkaErrors.of(o.error(), o.message()));
    }

    /**
     * Kafka's rule for config APIs: {@code operation} on the topic, or on the cluster for broker
     * resources; null when allowed, else TOPIC_ or CLUSTER_AUTHORIZATION_FAILED.
     */
    static ApiError refusal(KafkaRequest request, byte resourceType, String name, AclOperation operation) {
        if (ConfigResource.Type.forId(resourceType) == ConfigResource.Type.TOPIC) {
            return request.authorizedOnTopic(operation, name) ? null
                    : new ApiError(Errors.TOPIC_AUTHORIZATION_FAILED, request.principal() + " may not " + operation
                            + " topic " + name);
        }
        return request.authorizedOnCluster(operation) ? null
                : new ApiError(Errors.CLUSTER_AUTHORIZATION_FAILED, request.principal() + " may not " + operation
                        + " on the cluster");
    }

    /** Why a resource other than a topic cannot be altered here. */
    private static ApiError notAlterable(ConfigResource.Type type) {
        if (type == ConfigResource.Type.BROKER) {
            return new ApiError(Errors.INVALID_REQUEST, "Sluice's broker settings are static: set them in the"
                    + " node's properties file (or on its command line) and restart the node");
        }
        return new ApiError(Errors.INVALID_REQUEST, "Sluice alters only topic configs, not " + type);
    }
}
