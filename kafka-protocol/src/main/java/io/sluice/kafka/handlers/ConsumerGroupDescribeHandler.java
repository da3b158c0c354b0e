package io.sluice.kafka.handlers;

import io.sluice.metadata.acl.AclOperation;
import io.sluice.metadata.acl.ResourceType;
import io.sluice.group.GroupDescription;
import io.sluice.kafka.codec.KafkaApiHandler;
import io.sluice.kafka.codec.KafkaRequest;
import io.sluice.metadata.image.MetadataImage;
import io.sluice.metadata.image.TopicImage;
import io.sluice.protocol.TopicPartition;
import io.sluice.protocol.SluiceException;
import io.sluice.server.BrokerServices;
import java.util.ArrayList;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.message.ConsumerGroupDescribeRequestData;
import org.apache.kafka.common.message.ConsumerGroupDescribeResponseData;
import org.apache.kafka.common.message.ConsumerGroupDescribeResponseData.DescribedGroup;

/**
 * ConsumerGroupDescribe (KIP-848): a group of {@code group.protocol=consumer} members (Sluice's own
 * groups, which are that kind) with its epochs, assignor, and each member's subscription, epoch,
 * current and target assignment. A group without members, or of the classic protocol, gets
 * GROUP_ID_NOT_FOUND as from Kafka, and Kafka's admin client then describes it with DescribeGroups.
 * Stateless: the coordinator answers.
 */
public final class ConsumerGroupDescribeHandler implements KafkaApiHandler<ConsumerGroupDescribeRequestData> {
    /** Kafka's {@code ConsumerGroupMember.MemberType.CONSUMER} (v1): a member of the consumer protocol. */
    private static final byte CONSUMER_MEMBER = 1;
    private final BrokerServices services;

    public ConsumerGroupDescribeHandler(BrokerServices services) {
        this.services = services;
    }

    @Override
    public CompletableFuture<ConsumerGroupDescribeResponseData> handle(KafkaRequest request,
                                                                       ConsumerGroupDescribeRequestData data) {
        ConsumerGroupDescribeResponseData response = new ConsumerGroupDescribeResponseData();
        for (String groupId : data.groupIds()) {
            DescribedGroup out = new DescribedGroup().setGroupId(groupId);
            if (!request.authorized(AclOperation.DESCRIBE, ResourceType.GROUP, groupId)) {
                response.groups().add(out.setErrorCode(Errors.GROUP_AUTHORIZATION_FAILED.code()));
                continue;
            }
            try {
                describe(out, services.groups().coordinator().describeMembers(groupId), services.metadata().image(),
                        request.version());
            } catch (SluiceException e) {
                out.setErrorCode(GroupRequests.code(e)).setErrorMessage(e.getMessage());
            }
            response.groups().add(out);
        }
        return CompletableFuture.completedFuture(response);
    }

    private static void describe(DescribedGroup out, GroupDescription g, MetadataImage image, short version) {
        out.setGroupState(g.state().label()).setGroupEpoch(g.groupEpoch()).setAssignmentEpoch(g.assignmentEpoch())
                .setAssignorName(GroupRequests.kafkaAssignor(g.assignor()));
        for (GroupDescription.Member m : g.members()) {
            ConsumerGroupDescribeResponseData.Member member = new ConsumerGroupDescribeResponseData.Member()
                    .setMemberId(m.memberId()).setInstanceId(GroupRequests.emptyToNull(m.instanceId()))
                    .setMemberEpoch(m.memberEpoch()).setClientId(m.clientId()).setClientHost(m.clientHost())
                    .setSubscribedTopicNames(new ArrayList<>(m.topics()))
                    .setSubscribedTopicRegex(GroupRequests.emptyToNull(m.topicRegex()))
                    .setAssignment(assignment(m.assignment(), image))
                    .setTargetAssignment(assignment(m.target(), image));
            if (version >= 1) {
                member.setMemberType(CONSUMER_MEMBER);
            }
            out.members().add(member);
        }
    }

    private static ConsumerGroupDescribeResponseData.Assignment assignment(Set<TopicPartition> partitions,
                                                                           MetadataImage image) {
        ConsumerGroupDescribeResponseData.Assignment out = new ConsumerGroupDescribeResponseData.Assignment();
        GroupRequests.byTopic(partitions).forEach((name, ids) -> {
            TopicImage topic = image.topics().topic(name);
            out.topicPartitions().add(new ConsumerGroupDescribeResponseData.TopicPartitions().setTopicName(name)
                    .setTopicId(topic == null ? Uuid.ZERO_UUID : TopicIds.toKafka(topic.id())).setPartitions(ids));
        });
        return out;
    }
}
