package io.sluice.kafka.handlers;

import io.sluice.kafka.codec.KafkaApiHandler;
import io.sluice.kafka.codec.KafkaRequest;
import io.sluice.server.AdminService;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.message.UnregisterBrokerRequestData;
import org.apache.kafka.common.message.UnregisterBrokerResponseData;
import org.apache.kafka.common.requests.ApiError;

/**
 * UnregisterBroker (what {@code kafka-cluster.sh unregister --id N} sends): takes a stopped
 * broker-only node out of the metadata quorum. The rules are the admin service's; this maps errors.
 */
public final class UnregisterBrokerHandler implements KafkaApiHandler<UnregisterBrokerRequestData> {
    private final AdminService admin;

    public UnregisterBrokerHandler(AdminService admin) {
        this.admin = admin;
    }

    @Override
    public CompletableFuture<UnregisterBrokerResponseData> handle(KafkaRequest request, UnregisterBrokerRequestData data) {
        return admin.unregisterBroker(data.brokerId()).handle((ok, error) -> {
            if (error == null) {
                return new UnregisterBrokerResponseData();
            }
            ApiError e = KafkaErrors.of(error);
            return new UnregisterBrokerResponseData().setErrorCode(e.error().code()).setErrorMessage(e.message());
        });
    }
}
