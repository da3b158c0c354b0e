package io.sluice.kafka.handlers;

import io.sluice.metadata.acl.AclOperation;
import io.sluice.kafka.codec.KafkaApiHandler;
import io.sluice.kafka.codec.KafkaRequest;
import io.sluice.server.BrokerServices;
import io.sluice.protocol.SluiceException;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.message.HeartbeatRequestData;
import org.apache.kafka.common.message.HeartbeatResponseData;

/** Heartbeat (classic protocol): REBALANCE_IN_PROGRESS tells the member to rejoin; ILLEGAL_GENERATION and UNKNOWN_MEMBER_ID that it was left behind. */
public final class HeartbeatHandler implements KafkaApiHandler<HeartbeatRequestData> {
    private final BrokerServices services;

    public HeartbeatHandler(BrokerServices services) {
        this.services = services;
    }

    @Override
    public CompletableFuture<HeartbeatResponseData> handle(KafkaRequest request, HeartbeatRequestData data) {
        request.requireGroup(AclOperation.READ, data.groupId());
        HeartbeatResponseData response = new HeartbeatResponseData();
        try {
            services.groups().classic().heartbeat(data.groupId(), data.memberId(), GroupRequests.emptyToNull(data.groupInstanceId()),
                    data.generationId());
        } catch (SluiceException e) {
            response.setErrorCode(GroupRequests.code(e));
        }
        return CompletableFuture.completedFuture(response);
    }
}
