package io.sluice.kafka.handlers;

import io.sluice.kafka.codec.KafkaApiHandler;
import io.sluice.kafka.codec.KafkaRequest;
import io.sluice.metadata.acl.AclOperation;
import io.sluice.server.BrokerServices;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.message.RemoveRaftVoterRequestData;
import org.apache.kafka.common.message.RemoveRaftVoterResponseData;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.ApiError;

/**
 * RemoveRaftVoter (what {@code kafka-metadata-quorum.sh remove-controller} sends): makes a voter a
 * broker-only node, which keeps serving. The rules are the voter-change service's; this maps the
 * request and the errors. The directory id is not checked: Sluice identifies a voter by node id alone
 * and describes every voter's directory id as zero.
 */
public final class RemoveRaftVoterHandler implements KafkaApiHandler<RemoveRaftVoterRequestData> {
    private final BrokerServices services;

    public RemoveRaftVoterHandler(BrokerServices services) {
        this.services = services;
    }

    @Override
    public CompletableFuture<RemoveRaftVoterResponseData> handle(KafkaRequest request, RemoveRaftVoterRequestData data) {
        request.requireCluster(AclOperation.ALTER);
        String wrongCluster = AddRaftVoterHandler.wrongCluster(services, data.clusterId());
        if (wrongCluster != null) {
            return CompletableFuture.completedFuture(new RemoveRaftVoterResponseData()
                    .setErrorCode(Errors.INCONSISTENT_CLUSTER_ID.code()).setErrorMessage(wrongCluster));
        }
        return services.admin().removeRaftVoter(data.voterId()).handle((ok, error) -> {
            if (error == null) {
                return new RemoveRaftVoterResponseData();
            }
            ApiError e = KafkaErrors.of(error);
            return new RemoveRaftVoterResponseData().setErrorCode(e.error().code()).setErrorMessage(e.message());
        });
    }
}
