package io.sluice.kafka.handlers;

import io.sluice.metadata.acl.AclOperation;
import io.sluice.group.Classic;
import io.sluice.group.ClassicGroupCoordinator;
import io.sluice.kafka.codec.KafkaApiHandler;
import io.sluice.kafka.codec.KafkaRequest;
import io.sluice.server.BrokerServices;
import io.sluice.protocol.SluiceException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.message.JoinGroupRequestData;
import org.apache.kafka.common.message.JoinGroupRequestData.JoinGroupRequestProtocol;
import org.apache.kafka.common.message.JoinGroupResponseData;
import org.apache.kafka.common.message.JoinGroupResponseData.JoinGroupResponseMember;
import org.apache.kafka.common.protocol.Errors;

/**
 * JoinGroup (classic protocol): translated to {@link ClassicGroupCoordinator#join}; the response waits
 * until the rebalance's join phase ends. From v4 a first join gets MEMBER_ID_REQUIRED with its member
 * id (the client joins again with it); v0 has no rebalance timeout (the session timeout is used, as
 * Kafka does).
 */
public final class JoinGroupHandler implements KafkaApiHandler<JoinGroupRequestData> {
    private final BrokerServices services;

    public JoinGroupHandler(BrokerServices services) {
        this.services = services;
    }

    @Override
    public CompletableFuture<JoinGroupResponseData> handle(KafkaRequest request, JoinGroupRequestData data) {
        request.requireGroup(AclOperation.READ, data.groupId());
        short version = request.version();
        List<Classic.Protocol> protocols = new ArrayList<>();
        for (JoinGroupRequestProtocol p : data.protocols()) {
            protocols.add(new Classic.Protocol(p.name(), p.metadata()));
        }
        Classic.JoinRequest join = new Classic.JoinRequest(data.memberId(),
                GroupRequests.emptyToNull(data.groupInstanceId()), data.protocolType(), protocols,
                data.sessionTimeoutMs(), version >= 1 ? data.rebalanceTimeoutMs() : -1, version >= 4,
                request.clientId(), GroupRequests.host(request));
        try {
            return services.groups().classic().join(data.groupId(), join).thenApply(r -> response(r, version));
        } catch (SluiceException e) {
            return CompletableFuture.completedFuture(new JoinGroupResponseData().setErrorCode(GroupRequests.code(e))
                    .setMemberId(data.memberId()).setGenerationId(-1).setProtocolName(version >= 7 ? null : ""));
        }
    }

    private static JoinGroupResponseData response(Classic.JoinResult r, short version) {
        JoinGroupResponseData response = new JoinGroupResponseData()
                .setErrorCode(GroupRequests.code(r.error()))
                .setGenerationId(r.generationId())
                .setProtocolName(r.protocolName() != null || version >= 7 ? r.protocolName() : "")
                .setLeader(r.leaderId() == null ? "" : r.leaderId())
                .setMemberId(r.memberId());
        if (version >= 7) {
            response.setProtocolType(r.protocolType());
        }
        if (version >= 9) {
            response.setSkipAssignment(r.skipAssignment());
        }
        for (Classic.JoinedMember m : r.members()) {
            JoinGroupResponseMember member = new JoinGroupResponseMember().setMemberId(m.memberId())
                    .setMetadata(m.metadata() == null ? new byte[0] : m.metadata());
            if (version >= 5) {
                member.setGroupInstanceId(m.instanceId());
            }
            response.members().add(member);
        }
        if (r.error() != io.sluice.protocol.ErrorCode.NONE && response.errorCode() == Errors.NONE.code()) {
            response.setErrorCode(Errors.UNKNOWN_SERVER_ERROR.code());
        }
        return response;
    }
}
