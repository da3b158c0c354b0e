package io.sluice.kafka.handlers;

import io.sluice.metadata.acl.AclOperation;
import io.sluice.group.Heartbeat;
import io.sluice.kafka.codec.KafkaApiHandler;
import io.sluice.kafka.codec.KafkaRequest;
import io.sluice.metadata.image.MetadataImage;
import io.sluice.metadata.image.TopicImage;
import io.sluice.protocol.TopicPartition;
import io.sluice.protocol.ErrorCode;
import io.sluice.protocol.SluiceException;
import io.sluice.server.BrokerServices;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.message.ConsumerGroupHeartbeatRequestData;
import org.apache.kafka.common.message.ConsumerGroupHeartbeatResponseData;
import org.apache.kafka.common.protocol.Errors;

/**
 * ConsumerGroupHeartbeat (KIP-848, {@code group.protocol=consumer}): Sluice's own groups already work
 * this way (server-side assignment, member epochs, revoke then assign, complete assignment in every
 * answer), so this translates onto {@link io.sluice.group.GroupCoordinator#heartbeat}: topic ids to
 * names, Kafka's server assignor {@code uniform} to Sluice's sticky {@code roundrobin}, a stale epoch to
 * FENCED_MEMBER_EPOCH. The session timeout is the broker's (Kafka's {@code
 * group.consumer.session.timeout.ms}, 45 s), as KIP-848 clients do not send one.
 */
public final class ConsumerGroupHeartbeatHandler implements KafkaApiHandler<ConsumerGroupHeartbeatRequestData> {
    static final int SESSION_TIMEOUT_MS = 45_000;
    private final BrokerServices services;

    public ConsumerGroupHeartbeatHandler(BrokerServices services) {
        this.services = services;
    }

    @Override
    public CompletableFuture<ConsumerGroupHeartbeatResponseData> handle(KafkaRequest request,
                                                                        ConsumerGroupHeartbeatRequestData data) {
        request.requireGroup(AclOperation.READ, data.groupId());
        MetadataImage image = services.metadata().image();
        ConsumerGroupHeartbeatResponseData response = new ConsumerGroupHeartbeatResponseData();
        // Kafka's rule: every subscribed topic name must be one the member may DESCRIBE.
        if (data.subscribedTopicNames() != null) {
            List<String> refused = data.subscribedTopicNames().stream()
                    .filter(t -> !request.authorizedOnTopic(AclOperation.DESCRIBE, t)).toList();
            if (!refused.isEmpty()) {
                return CompletableFuture.completedFuture(response.setErrorCode(Errors.TOPIC_AUTHORIZATION_FAILED.code())
                        .setErrorMessage("Not authorized to describe topics " + refused));
            }
        }
        try {
            Heartbeat.Result result = services.groups().coordinator().heartbeat(data.groupId(), new Heartbeat.Request(
                    data.memberId(), data.memberEpoch(), data.instanceId() == null ? "" : data.instanceId(),
                    data.rebalanceTimeoutMs(), SESSION_TIMEOUT_MS, data.subscribedTopicNames(),
                    request.version() >= 1 ? data.subscribedTopicRegex() : (data.subscribedTopicNames() == null ? null : ""),
                    GroupRequests.sluiceAssignor(data.serverAssignor()), owned(data.topicPartitions(), image), request.clientId(),
                    GroupRequests.host(request)));
            response.setMemberId(result.memberId()).setMemberEpoch(result.memberEpoch())
                    .setHeartbeatIntervalMs(result.heartbeatIntervalMs());
            if (data.memberEpoch() >= 0) {
                response.setAssignment(assignment(result.assignment(), image));
            }
        } catch (SluiceException e) {
            short code = e.code() == ErrorCode.ILLEGAL_GENERATION ? Errors.FENCED_MEMBER_EPOCH.code()
                    : GroupRequests.code(e);
            response.setErrorCode(code).setErrorMessage(e.getMessage()).setMemberId(data.memberId())
                    .setMemberEpoch(data.memberEpoch());
        }
        return CompletableFuture.completedFuture(response);
    }

    /** The partitions the member reports owning, or null (unchanged); those of topics unknown here are left out. */
    private static Set<TopicPartition> owned(List<ConsumerGroupHeartbeatRequestData.TopicPartitions> reported,
                                             MetadataImage image) {
        if (reported == null) {
            return null;
        }
        Set<TopicPartition> owned = new HashSet<>();
        for (ConsumerGroupHeartbeatRequestData.TopicPartitions t : reported) {
            TopicImage topic = image.topics().topicById(TopicIds.fromKafka(t.topicId()));
            if (topic != null) {
                t.partitions().forEach(p -> owned.add(new TopicPartition(topic.name(), p)));
            }
        }
        return owned;
    }

    private static ConsumerGroupHeartbeatResponseData.Assignment assignment(Set<TopicPartition> assigned,
                                                                            MetadataImage image) {
        ConsumerGroupHeartbeatResponseData.Assignment out = new ConsumerGroupHeartbeatResponseData.Assignment();
        GroupRequests.byTopic(assigned).forEach((name, partitions) -> {
            TopicImage topic = image.topics().topic(name);
            Uuid id = topic == null ? Uuid.ZERO_UUID : TopicIds.toKafka(topic.id());
            out.topicPartitions().add(new ConsumerGroupHeartbeatResponseData.TopicPartitions().setTopicId(id)
                    .setPartitions(partitions));
        });
        return out;
    }
}
