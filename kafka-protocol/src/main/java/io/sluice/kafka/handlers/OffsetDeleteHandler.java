package io.sluice.kafka.handlers;

import io.sluice.metadata.acl.AclOperation;
import io.sluice.group.Classic;
import io.sluice.group.GroupDescription;
import io.sluice.kafka.codec.KafkaApiHandler;
import io.sluice.kafka.codec.KafkaRequest;
import io.sluice.server.BrokerServices;
import io.sluice.protocol.TopicPartition;
import io.sluice.protocol.SluiceException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.clients.consumer.internals.ConsumerProtocol;
import org.apache.kafka.common.message.OffsetDeleteRequestData;
import org.apache.kafka.common.message.OffsetDeleteRequestData.OffsetDeleteRequestTopic;
import org.apache.kafka.common.message.OffsetDeleteResponseData;
import org.apache.kafka.common.message.OffsetDeleteResponseData.OffsetDeleteResponsePartition;
import org.apache.kafka.common.message.OffsetDeleteResponseData.OffsetDeleteResponseTopic;
import org.apache.kafka.common.protocol.Errors;

/**
 * OffsetDelete ({@code kafka-consumer-groups.sh --delete-offsets}): deletes the named partitions'
 * committed offsets, except those of topics an active member subscribes to (GROUP_SUBSCRIBED_TO_TOPIC,
 * as Kafka). A classic group's subscriptions are read from its members' consumer-protocol metadata,
 * which the coordinator has once the group is Stable; during a rebalance every partition is refused.
 * Needs DELETE on the group (else GROUP_AUTHORIZATION_FAILED) and READ on each topic (else
 * TOPIC_AUTHORIZATION_FAILED on its partitions), as Kafka.
 */
public final class OffsetDeleteHandler implements KafkaApiHandler<OffsetDeleteRequestData> {
    private final BrokerServices services;

    public OffsetDeleteHandler(BrokerServices services) {
        this.services = services;
    }

    @Override
    public CompletableFuture<OffsetDeleteResponseData> handle(KafkaRequest request, OffsetDeleteRequestData data) {
        request.requireGroup(AclOperation.DELETE, data.groupId());
        String groupId = data.groupId();
        Set<String> subscribed;
        try {
            services.groups().coordinator().describe(groupId); // GROUP_ID_NOT_FOUND, NOT_COORDINATOR
            subscribed = subscribedTopics(groupId);
        } catch (SluiceException e) {
            return CompletableFuture.completedFuture(new OffsetDeleteResponseData().setErrorCode(GroupRequests.code(e)));
        }
        OffsetDeleteResponseData response = new OffsetDeleteResponseData();
        List<TopicPartition> deleting = new ArrayList<>();
        for (OffsetDeleteRequestTopic t : data.topics()) {
            OffsetDeleteResponseTopic topic = new OffsetDeleteResponseTopic().setName(t.name());
            boolean authorized = request.authorizedOnTopic(AclOperation.READ, t.name());
            boolean inUse = subscribed == null || subscribed.contains(t.name());
            Errors error = !authorized ? Errors.TOPIC_AUTHORIZATION_FAILED
                    : inUse ? Errors.GROUP_SUBSCRIBED_TO_TOPIC : Errors.NONE;
            for (var p : t.partitions()) {
                topic.partitions().add(new OffsetDeleteResponsePartition().setPartitionIndex(p.partitionIndex())
                        .setErrorCode(error.code()));
                if (error == Errors.NONE) {
                    deleting.add(new TopicPartition(t.name(), p.partitionIndex()));
                }
            }
            response.topics().add(topic);
        }
        if (deleting.isEmpty()) {
            return CompletableFuture.completedFuture(response);
        }
        return services.groups().offsets().delete(groupId, deleting).thenApply(result -> {
            // GROUP_ID_NOT_FOUND here means none of the partitions had an offset left: nothing to do.
            if (!result.isSuccess() && result.error() != io.sluice.protocol.ErrorCode.GROUP_ID_NOT_FOUND) {
                response.setErrorCode(GroupRequests.code(result.error()));
            }
            return response;
        });
    }

    /** Topics the group's active members subscribe to; null when they cannot be known now (refuse all). */
    private Set<String> subscribedTopics(String groupId) {
        Set<String> topics = new HashSet<>();
        Optional<Classic.Description> classic = services.groups().classic().describe(groupId);
        if (classic.isPresent()) {
            Classic.Description g = classic.get();
            if (g.members().isEmpty()) {
                return topics;
            }
            if (!"consumer".equals(g.protocolType()) || !"Stable".equals(g.state())) {
                return null;
            }
            for (Classic.DescribedMember m : g.members()) {
                topics.addAll(ConsumerProtocol.deserializeSubscription(ByteBuffer.wrap(m.metadata())).topics());
            }
            return topics;
        }
        for (GroupDescription.Member m : services.groups().coordinator().describe(groupId).members()) {
            topics.addAll(m.topics());
            if (!m.topicRegex().isEmpty()) {
                return null;
            }
        }
        return topics;
    }
}
