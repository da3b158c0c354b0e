package io.sluice.kafka.handlers;

import io.sluice.kafka.codec.KafkaApiHandler;
import io.sluice.kafka.codec.KafkaApis;
import io.sluice.kafka.codec.KafkaRequest;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.message.ApiVersionsRequestData;
import org.apache.kafka.common.message.ApiVersionsResponseData;

/** ApiVersions: the ranges of {@link KafkaApis}, the one table of what this broker serves. */
public final class ApiVersionsHandler implements KafkaApiHandler<ApiVersionsRequestData> {
    private final KafkaApis apis;

    public ApiVersionsHandler(KafkaApis apis) {
        this.apis = apis;
    }

    @Override
    public CompletableFuture<ApiVersionsResponseData> handle(KafkaRequest request, ApiVersionsRequestData data) {
        return CompletableFuture.completedFuture(new ApiVersionsResponseData().setApiKeys(apis.versions()));
    }
}
