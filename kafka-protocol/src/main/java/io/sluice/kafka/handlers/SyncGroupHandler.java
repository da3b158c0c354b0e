package io.sluice.kafka.handlers;

import io.sluice.metadata.acl.AclOperation;
import io.sluice.group.Classic;
import io.sluice.kafka.codec.KafkaApiHandler;
import io.sluice.kafka.codec.KafkaRequest;
import io.sluice.server.BrokerServices;
import io.sluice.protocol.SluiceException;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.message.SyncGroupRequestData;
import org.apache.kafka.common.message.SyncGroupRequestData.SyncGroupRequestAssignment;
import org.apache.kafka.common.message.SyncGroupResponseData;

/**
 * SyncGroup (classic protocol): the leader's carries every member's assignment; each member's response
 * waits for it. From v5 the protocol type and name are checked against the group's
 * (INCONSISTENT_GROUP_PROTOCOL) and returned.
 */
public final class SyncGroupHandler implements KafkaApiHandler<SyncGroupRequestData> {
    private final BrokerServices services;

    public SyncGroupHandler(BrokerServices services) {
        this.services = services;
    }

    @Override
    public CompletableFuture<SyncGroupResponseData> handle(KafkaRequest request, SyncGroupRequestData data) {
        request.requireGroup(AclOperation.READ, data.groupId());
        short version = request.version();
        Map<String, byte[]> assignments = new HashMap<>();
        for (SyncGroupRequestAssignment a : data.assignments()) {
            assignments.put(a.memberId(), a.assignment());
        }
        Classic.SyncRequest sync = new Classic.SyncRequest(data.memberId(),
                GroupRequests.emptyToNull(data.groupInstanceId()), data.generationId(),
                version >= 5 ? data.protocolType() : null, version >= 5 ? data.protocolName() : null, assignments);
        try {
            return services.groups().classic().sync(data.groupId(), sync).thenApply(r -> {
                SyncGroupResponseData response = new SyncGroupResponseData().setErrorCode(GroupRequests.code(r.error()))
                        .setAssignment(r.assignment());
                if (version >= 5) {
                    response.setProtocolType(r.protocolType()).setProtocolName(r.protocolName());
                }
                return response;
            });
        } catch (SluiceException e) {
            return CompletableFuture.completedFuture(new SyncGroupResponseData().setErrorCode(GroupRequests.code(e))
                    .setAssignment(new byte[0]));
        }
    }
}
