package io.sluice.kafka.handlers;

import io.sluice.metadata.acl.AclOperation;
import io.sluice.metadata.acl.ResourceType;
import io.sluice.group.Classic;
import io.sluice.group.GroupDescription;
import io.sluice.kafka.codec.KafkaApiHandler;
import io.sluice.kafka.codec.KafkaRequest;
import io.sluice.server.BrokerServices;
import io.sluice.protocol.ErrorCode;
import io.sluice.protocol.SluiceException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.clients.consumer.ConsumerPartitionAssignor;
import org.apache.kafka.clients.consumer.internals.ConsumerProtocol;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.message.DescribeGroupsRequestData;
import org.apache.kafka.common.message.DescribeGroupsResponseData;
import org.apache.kafka.common.message.DescribeGroupsResponseData.DescribedGroup;
import org.apache.kafka.common.message.DescribeGroupsResponseData.DescribedGroupMember;
import org.apache.kafka.common.protocol.Errors;

/**
 * DescribeGroups: a classic group as its coordinator holds it (member metadata and assignments are
 * the clients' bytes, shown only when Stable, as Kafka does). A Sluice group is shown in the same
 * shape, its assignments encoded as Kafka's consumer protocol, so {@code kafka-consumer-groups.sh
 * --describe} lists its members too. A group with committed offsets only is Empty; an unknown one is
 * Dead (with GROUP_ID_NOT_FOUND from v6, as Kafka 4 answers).
 */
public final class DescribeGroupsHandler implements KafkaApiHandler<DescribeGroupsRequestData> {
    private final BrokerServices services;

    public DescribeGroupsHandler(BrokerServices services) {
        this.services = services;
    }

    @Override
    public CompletableFuture<DescribeGroupsResponseData> handle(KafkaRequest request, DescribeGroupsRequestData data) {
        DescribeGroupsResponseData response = new DescribeGroupsResponseData();
        for (String groupId : data.groups()) {
            response.groups().add(request.authorized(AclOperation.DESCRIBE, ResourceType.GROUP, groupId)
                    ? describe(groupId, request.version()) : new DescribedGroup().setGroupId(groupId).setProtocolType("")
                            .setProtocolData("").setGroupState("Dead").setErrorCode(Errors.GROUP_AUTHORIZATION_FAILED.code()));
        }
        return CompletableFuture.completedFuture(response);
    }

    private DescribedGroup describe(String groupId, short version) {
        DescribedGroup out = new DescribedGroup().setGroupId(groupId).setProtocolType("").setProtocolData("");
        try {
            services.groups().coordinator().checkCoordinator(groupId);
            Optional<Classic.Description> classic = services.groups().classic().describe(groupId);
            if (classic.isPresent()) {
                return classic(out, classic.get(), version);
            }
            return consumer(out, services.groups().coordinator().describe(groupId), version);
        } catch (SluiceException e) {
            out.setErrorCode(GroupRequests.code(e)).setGroupState("Dead");
            if (e.code() == ErrorCode.GROUP_ID_NOT_FOUND && version < 6) {
                out.setErrorCode(Errors.NONE.code());
            }
            if (version >= 6) {
                out.setErrorMessage(e.getMessage());
            }
            return out;
        }
    }

    private static DescribedGroup classic(DescribedGroup out, Classic.Description g, short version) {
        out.setGroupState(g.state()).setProtocolType(g.protocolType()).setProtocolData(g.protocolName());
        for (Classic.DescribedMember m : g.members()) {
            out.members().add(member(m.memberId(), m.instanceId(), m.clientId(), m.clientHost(), m.metadata(),
                    m.assignment(), version));
        }
        return out;
    }

    private static DescribedGroup consumer(DescribedGroup out, GroupDescription g, short version) {
        out.setGroupState(g.state().label());
        if (!g.members().isEmpty()) {
            out.setProtocolType("consumer").setProtocolData(g.assignor());
        }
        for (GroupDescription.Member m : g.members()) {
            List<TopicPartition> owned = new ArrayList<>();
            m.assignment().forEach(tp -> owned.add(new TopicPartition(tp.topic(), tp.partition())));
            out.members().add(member(m.memberId(), m.instanceId().isEmpty() ? null : m.instanceId(), m.clientId(),
                    m.clientHost(), bytes(ConsumerProtocol.serializeSubscription(
                            new ConsumerPartitionAssignor.Subscription(m.topics()))),
                    bytes(ConsumerProtocol.serializeAssignment(new ConsumerPartitionAssignor.Assignment(owned))),
                    version));
        }
        return out;
    }

    private static DescribedGroupMember member(String memberId, String instanceId, String clientId, String host,
                                               byte[] metadata, byte[] assignment, short version) {
        DescribedGroupMember member = new DescribedGroupMember().setMemberId(memberId)
                .setClientId(clientId == null ? "" : clientId).setClientHost(host == null ? "" : host)
                .setMemberMetadata(metadata).setMemberAssignment(assignment);
        if (version >= 4) {
            member.setGroupInstanceId(instanceId);
        }
        return member;
    }

    private static byte[] bytes(ByteBuffer buffer) {
        byte[] out = new byte[buffer.remaining()];
        buffer.get(out);
        return out;
    }
}
