package io.sluice.kafka.handlers;

import io.sluice.kafka.codec.KafkaApiHandler;
import io.sluice.kafka.codec.KafkaRequest;
import io.sluice.kafka.admin.IncrementalConfigOps;
import io.sluice.server.AdminService;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import io.sluice.metadata.image.ConfigsImage;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.message.IncrementalAlterConfigsRequestData;
import org.apache.kafka.common.message.IncrementalAlterConfigsRequestData.AlterConfigsResource;
import org.apache.kafka.common.message.IncrementalAlterConfigsRequestData.AlterableConfig;
import org.apache.kafka.common.message.IncrementalAlterConfigsResponseData;
import org.apache.kafka.common.message.IncrementalAlterConfigsResponseData.AlterConfigsResourceResponse;
import org.apache.kafka.common.requests.ApiError;

/**
 * IncrementalAlterConfigs of topics (what {@code kafka-configs.sh --alter} sends): SET, DELETE, and
 * APPEND / SUBTRACT on list settings, applied as one change per topic (see {@link IncrementalConfigOps}).
 * Of brokers, only the dynamic replication throttles may change (the rest is static, as for
 * {@link AlterConfigsHandler}).
 */
public final class IncrementalAlterConfigsHandler implements KafkaApiHandler<IncrementalAlterConfigsRequestData> {
    private final AdminService admin;

    public IncrementalAlterConfigsHandler(AdminService admin) {
        this.admin = admin;
    }

    @Override
    public CompletableFuture<IncrementalAlterConfigsResponseData> handle(KafkaRequest request,
                                                                         IncrementalAlterConfigsRequestData data) {
        List<CompletableFuture<AlterConfigsResourceResponse>> results = new ArrayList<>();
        for (AlterConfigsResource resource : data.resources()) {
            results.add(alter(resource, data.validateOnly()).thenApply(error -> new AlterConfigsResourceResponse()
                    .setResourceType(resource.resourceType()).setResourceName(resource.resourceName())
                    .setErrorCode(error.error().code()).setErrorMessage(error.message())));
        }
        return Futures.all(results).thenApply(list -> new IncrementalAlterConfigsResponseData().setResponses(list));
    }

    private CompletableFuture<ApiError> alter(AlterConfigsResource resource, boolean validateOnly) {
        List<IncrementalConfigOps.Op> ops = new ArrayList<>();
        for (AlterableConfig c : resource.configs()) {
            ops.add(new IncrementalConfigOps.Op(c.name(), c.configOperation(), c.value()));
        }
        if (ConfigResource.Type.forId(resource.resourceType()) == ConfigResource.Type.BROKER) {
            return alterBroker(resource.resourceName(), ops, validateOnly);
        }
        return AlterConfigsHandler.alterTopic(admin, resource.resourceType(), resource.resourceName(), validateOnly,
                current -> {
                    Map<String, String> effective = new HashMap<>();
                    current.forEach(c -> effective.put(c.name(), c.value()));
                    return IncrementalConfigOps.apply(ops, effective);
                });
    }

    /**
     * A broker's dynamic settings (the replication throttles that kafka-reassign-partitions sets and
     * clears); the name is a broker id, or empty for the default of every broker, as in Kafka.
     */
    private CompletableFuture<ApiError> alterBroker(String name, List<IncrementalConfigOps.Op> ops, boolean validateOnly) {
        int brokerId;
        try {
            brokerId = name.isEmpty() ? ConfigsImage.DEFAULT_BROKER : Integer.parseInt(name);
        } catch (NumberFormatException e) {
            return CompletableFuture.completedFuture(new ApiError(Errors.INVALID_REQUEST,
                    "Broker resource name '" + name + "' is not a broker id (nor empty, for every broker)"));
        }
        IncrementalConfigOps.Result change = IncrementalConfigOps.apply(ops, Map.of());
        if (change.error().isFailure()) {
            return CompletableFuture.completedFuture(change.error());
        }
        return admin.alterBrokerConfigs(brokerId, change.set(), change.delete(), validateOnly).handle((o, error) ->
                error != null ? KafkaErrors.of(error) : KafkaErrors.of(o.error(), o.message()));
    }
}
