package io.sluice.kafka.handlers;

import io.sluice.kafka.codec.KafkaApiHandler;
import io.sluice.kafka.codec.KafkaRequest;
import io.sluice.metadata.acl.AclOperation;
import io.sluice.protocol.rpc.Endpoint;
import io.sluice.server.BrokerServices;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.message.AddRaftVoterRequestData;
import org.apache.kafka.common.message.AddRaftVoterResponseData;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.ApiError;

/**
 * AddRaftVoter (what {@code kafka-metadata-quorum.sh add-controller} sends): makes a running broker-only
 * node a voter. The rules are the voter-change service's; this maps the request and the errors. The
 * request's controller listeners must name the node's Raft address; its directory id is not checked,
 * because Sluice identifies a voter by node id alone (see docs/operations.md).
 */
public final class AddRaftVoterHandler implements KafkaApiHandler<AddRaftVoterRequestData> {
    private final BrokerServices services;

    public AddRaftVoterHandler(BrokerServices services) {
        this.services = services;
    }

    @Override
    public CompletableFuture<AddRaftVoterResponseData> handle(KafkaRequest request, AddRaftVoterRequestData data) {
        request.requireCluster(AclOperation.ALTER);
        String wrongCluster = wrongCluster(services, data.clusterId());
        if (wrongCluster != null) {
            return CompletableFuture.completedFuture(new AddRaftVoterResponseData()
                    .setErrorCode(Errors.INCONSISTENT_CLUSTER_ID.code()).setErrorMessage(wrongCluster));
        }
        List<Endpoint> listeners = data.listeners().stream().map(l -> Endpoint.newBuilder().setListener(l.name())
                .setHost(l.host()).setPort(l.port()).build()).toList();
        return services.admin().addRaftVoter(data.voterId(), listeners).handle((ok, error) -> {
            if (error == null) {
                return new AddRaftVoterResponseData();
            }
            ApiError e = KafkaErrors.of(error);
            return new AddRaftVoterResponseData().setErrorCode(e.error().code()).setErrorMessage(e.message());
        });
    }

    /** Why a voter request naming {@code clusterId} is for another cluster, or null (none named, or ours). */
    static String wrongCluster(BrokerServices services, String clusterId) {
        String ours = services.metadata().image().clusterId();
        return clusterId == null || clusterId.isEmpty() || clusterId.equals(ours) ? null
                : "this is cluster " + ours + ", not " + clusterId;
    }
}
