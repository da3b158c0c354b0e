package io.sluice.kafka.handlers;

import io.sluice.metadata.acl.AclOperation;
import io.sluice.group.GroupApis;
import io.sluice.group.GroupCoordinator;
import io.sluice.group.GroupOffsets;
import io.sluice.kafka.codec.KafkaApiHandler;
import io.sluice.kafka.codec.KafkaRequest;
import io.sluice.metadata.image.MetadataImage;
import io.sluice.metadata.image.TopicImage;
import io.sluice.protocol.TopicPartition;
import io.sluice.protocol.SluiceException;
import io.sluice.server.BrokerServices;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.message.OffsetCommitRequestData;
import org.apache.kafka.common.message.OffsetCommitRequestData.OffsetCommitRequestPartition;
import org.apache.kafka.common.message.OffsetCommitRequestData.OffsetCommitRequestTopic;
import org.apache.kafka.common.message.OffsetCommitResponseData;
import org.apache.kafka.common.message.OffsetCommitResponseData.OffsetCommitResponsePartition;
import org.apache.kafka.common.message.OffsetCommitResponseData.OffsetCommitResponseTopic;
import org.apache.kafka.common.protocol.Errors;

/**
 * OffsetCommit (v2-10; topic ids from v10): checked by the group's kind (a classic group's generation
 * and member, or, for a group of the consumer protocol, member epoch and ownership), then written
 * through {@link GroupOffsets}, so Kafka clients' commits are coalesced into Raft entries and fenced
 * by coordinator exactly as Sluice's own. A commit without membership (generation -1, empty member id:
 * an assign() consumer, the reset tool) is accepted while the group has no members. A refusal of the
 * whole request is reported on every partition, as Kafka does.
 */
public final class OffsetCommitHandler implements KafkaApiHandler<OffsetCommitRequestData> {
    private final BrokerServices services;

    public OffsetCommitHandler(BrokerServices services) {
        this.services = services;
    }

    @Override
    public CompletableFuture<OffsetCommitResponseData> handle(KafkaRequest request, OffsetCommitRequestData data) {
        request.requireGroup(AclOperation.READ, data.groupId());
        boolean byId = request.version() >= 10;
        MetadataImage image = services.metadata().image();
        GroupApis groups = services.groups();
        // Partitions in request order; those whose topic id is unknown are answered without a commit.
        List<GroupOffsets.Commit> commits = new ArrayList<>();
        Map<TopicPartition, Uuid> ids = new HashMap<>();
        OffsetCommitResponseData response = new OffsetCommitResponseData();
        for (OffsetCommitRequestTopic t : data.topics()) {
            String name = t.name();
            if (byId) {
                TopicImage topic = t.topicId() == null ? null : image.topics().topicById(TopicIds.fromKafka(t.topicId()));
                if (topic == null) {
                    OffsetCommitResponseTopic unknown = new OffsetCommitResponseTopic().setTopicId(t.topicId());
                    t.partitions().forEach(p -> unknown.partitions().add(new OffsetCommitResponsePartition()
                            .setPartitionIndex(p.partitionIndex()).setErrorCode(Errors.UNKNOWN_TOPIC_ID.code())));
                    response.topics().add(unknown);
                    continue;
                }
                name = topic.name();
            }
            if (!request.authorizedOnTopic(AclOperation.READ, name)) {
                OffsetCommitResponseTopic refused = byId ? new OffsetCommitResponseTopic().setTopicId(t.topicId())
                        : new OffsetCommitResponseTopic().setName(name);
                t.partitions().forEach(p -> refused.partitions().add(new OffsetCommitResponsePartition()
                        .setPartitionIndex(p.partitionIndex()).setErrorCode(Errors.TOPIC_AUTHORIZATION_FAILED.code())));
                response.topics().add(refused);
                continue;
            }
            for (OffsetCommitRequestPartition p : t.partitions()) {
                TopicPartition tp = new TopicPartition(name, p.partitionIndex());
                commits.add(new GroupOffsets.Commit(tp, p.committedOffset(), p.committedMetadata()));
                ids.put(tp, t.topicId());
            }
        }
        String groupId = data.groupId();
        String instanceId = request.version() >= 7 ? GroupRequests.emptyToNull(data.groupInstanceId()) : null;
        long coordinatedSince;
        Map<TopicPartition, String> refused = Map.of();
        try {
            if (groups.coordinator().hasMembers(groupId)) {
                // A group of the consumer protocol: the field is the member epoch, and ownership is checked.
                GroupCoordinator.CommitCheck check = groups.coordinator().checkCommit(groupId, data.memberId(),
                        data.generationIdOrMemberEpoch(), commits.stream().map(GroupOffsets.Commit::partition).toList());
                refused = check.refused();
                coordinatedSince = check.coordinatedSince();
            } else {
                coordinatedSince = groups.classic().checkCommit(groupId, data.memberId(), instanceId,
                        data.generationIdOrMemberEpoch());
            }
        } catch (SluiceException e) {
            // A consumer-protocol member whose epoch moved on retries with its new one (STALE_MEMBER_EPOCH).
            short code = e.code() == io.sluice.protocol.ErrorCode.ILLEGAL_GENERATION && request.version() >= 9
                    && groups.coordinator().hasMembers(groupId) ? Errors.STALE_MEMBER_EPOCH.code() : GroupRequests.code(e);
            commits.forEach(c -> topic(response, c.partition(), ids, byId).partitions().add(
                    new OffsetCommitResponsePartition().setPartitionIndex(c.partition().partition()).setErrorCode(code)));
            return CompletableFuture.completedFuture(response);
        }
        return groups.offsets().commit(groupId, commits, refused, coordinatedSince).thenApply(outcomes -> {
            for (GroupOffsets.Outcome o : outcomes) {
                topic(response, o.partition(), ids, byId).partitions().add(new OffsetCommitResponsePartition()
                        .setPartitionIndex(o.partition().partition()).setErrorCode(GroupRequests.code(o.error())));
            }
            return response;
        });
    }

    /** The response's entry for the partition's topic (named, or from v10 identified by id only), created on first use. */
    private static OffsetCommitResponseTopic topic(OffsetCommitResponseData response, TopicPartition tp,
                                                   Map<TopicPartition, Uuid> ids, boolean byId) {
        for (OffsetCommitResponseTopic t : response.topics()) {
            if (byId ? t.topicId().equals(ids.get(tp)) : t.name().equals(tp.topic())) {
                return t;
            }
        }
        OffsetCommitResponseTopic t = byId ? new OffsetCommitResponseTopic().setTopicId(ids.get(tp))
                : new OffsetCommitResponseTopic().setName(tp.topic());
        response.topics().add(t);
        return t;
    }
}
