package io.sluice.kafka.handlers;

import io.sluice.metadata.acl.AclOperation;
import io.sluice.group.Classic;
import io.sluice.kafka.codec.KafkaApiHandler;
import io.sluice.kafka.codec.KafkaRequest;
import io.sluice.server.BrokerServices;
import io.sluice.protocol.SluiceException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.message.LeaveGroupRequestData;
import org.apache.kafka.common.message.LeaveGroupRequestData.MemberIdentity;
import org.apache.kafka.common.message.LeaveGroupResponseData;
import org.apache.kafka.common.message.LeaveGroupResponseData.MemberResponse;

/**
 * LeaveGroup (classic protocol): one member before v3, a batch from v3 (by member id or, for static
 * members, instance id, as {@code kafka-consumer-groups.sh --delete} of static members and Kafka
 * Streams send). The remaining members rebalance once.
 */
public final class LeaveGroupHandler implements KafkaApiHandler<LeaveGroupRequestData> {
    private final BrokerServices services;

    public LeaveGroupHandler(BrokerServices services) {
        this.services = services;
    }

    @Override
    public CompletableFuture<LeaveGroupResponseData> handle(KafkaRequest request, LeaveGroupRequestData data) {
        request.requireGroup(AclOperation.READ, data.groupId());
        boolean batched = request.version() >= 3;
        List<Classic.LeaveRequest> leaving = new ArrayList<>();
        if (batched) {
            for (MemberIdentity m : data.members()) {
                leaving.add(new Classic.LeaveRequest(m.memberId(), GroupRequests.emptyToNull(m.groupInstanceId())));
            }
        } else {
            leaving.add(new Classic.LeaveRequest(data.memberId(), null));
        }
        LeaveGroupResponseData response = new LeaveGroupResponseData();
        try {
            List<Classic.LeaveResult> results = services.groups().classic().leave(data.groupId(), leaving);
            if (batched) {
                for (Classic.LeaveResult r : results) {
                    response.members().add(new MemberResponse().setMemberId(r.memberId())
                            .setGroupInstanceId(r.instanceId()).setErrorCode(GroupRequests.code(r.error())));
                }
            } else {
                response.setErrorCode(GroupRequests.code(results.get(0).error()));
            }
        } catch (SluiceException e) {
            response.setErrorCode(GroupRequests.code(e));
        }
        return CompletableFuture.completedFuture(response);
    }
}
