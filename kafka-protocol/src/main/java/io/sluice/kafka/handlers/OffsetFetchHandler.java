package io.sluice.kafka.handlers;

import io.sluice.group.GroupOffsets;
import io.sluice.kafka.codec.KafkaApiHandler;
import io.sluice.kafka.codec.KafkaRequest;
import io.sluice.metadata.acl.AclOperation;
import io.sluice.metadata.acl.ResourceType;
import io.sluice.metadata.image.CommittedOffset;
import io.sluice.metadata.image.MetadataImage;
import io.sluice.metadata.image.TopicImage;
import io.sluice.protocol.TopicPartition;
import io.sluice.protocol.ErrorCode;
import io.sluice.protocol.SluiceException;
import io.sluice.server.BrokerServices;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.message.OffsetFetchRequestData;
import org.apache.kafka.common.message.OffsetFetchRequestData.OffsetFetchRequestGroup;
import org.apache.kafka.common.message.OffsetFetchRequestData.OffsetFetchRequestTopics;
import org.apache.kafka.common.message.OffsetFetchResponseData;
import org.apache.kafka.common.message.OffsetFetchResponseData.OffsetFetchResponseGroup;
import org.apache.kafka.common.message.OffsetFetchResponseData.OffsetFetchResponsePartition;
import org.apache.kafka.common.message.OffsetFetchResponseData.OffsetFetchResponsePartitions;
import org.apache.kafka.common.message.OffsetFetchResponseData.OffsetFetchResponseTopic;
import org.apache.kafka.common.message.OffsetFetchResponseData.OffsetFetchResponseTopics;
import org.apache.kafka.common.protocol.Errors;

/**
 * OffsetFetch (one group before v8, several from v8, topic ids from v10). It is a coordinator request
 * in Kafka, so every read here is the stable one ({@link GroupOffsets#fetch} with requireStable): this
 * coordinator's commits in flight settle first, so a new owner of a partition never starts below a
 * commit that is still on its way through the quorum, whatever the client's {@code require_stable}
 * (Kafka clients set it only with read_committed). When they do not settle in time the partitions get
 * UNSTABLE_OFFSET_COMMIT, which consumers retry. Partitions without a committed offset get -1. A group
 * the principal may not DESCRIBE gets GROUP_AUTHORIZATION_FAILED.
 */
public final class OffsetFetchHandler implements KafkaApiHandler<OffsetFetchRequestData> {
    private final BrokerServices services;

    public OffsetFetchHandler(BrokerServices services) {
        this.services = services;
    }

    /** One group's answer before it is put into the version's shape; {@code topics} null when all were asked. */
    private record GroupAnswer(String groupId, short error, Map<String, List<Partition>> topics) {
    }

    private record Partition(int index, long offset, String metadata, short error) {
    }

    @Override
    public CompletableFuture<OffsetFetchResponseData> handle(KafkaRequest request, OffsetFetchRequestData data) {
        short version = request.version();
        if (version < 8) {
            Map<String, List<Integer>> asked = null;
            if (data.topics() != null) {
                asked = new LinkedHashMap<>();
                for (var t : data.topics()) {
                    asked.put(t.name(), t.partitionIndexes());
                }
            }
            return fetch(request, data.groupId(), asked).thenApply(a -> single(a, version));
        }
        List<CompletableFuture<GroupAnswer>> answers = new ArrayList<>();
        MetadataImage image = services.metadata().image();
        for (OffsetFetchRequestGroup g : data.groups()) {
            Map<String, List<Integer>> asked = null;
            if (g.topics() != null) {
                asked = new LinkedHashMap<>();
                for (OffsetFetchRequestTopics t : g.topics()) {
                    String name = t.name();
                    if (version >= 10) {
                        TopicImage topic = image.topics().topicById(TopicIds.fromKafka(t.topicId()));
                        name = topic == null ? "\0" + t.topicId() : topic.name();
                    }
                    asked.put(name, t.partitionIndexes());
                }
            }
            answers.add(fetch(request, g.groupId(), asked));
        }
        return CompletableFuture.allOf(answers.toArray(new CompletableFuture<?>[0])).thenApply(v -> {
            OffsetFetchResponseData response = new OffsetFetchResponseData();
            for (CompletableFuture<GroupAnswer> a : answers) {
                response.groups().add(group(a.join(), version, services.metadata().image()));
            }
            return response;
        });
    }

    private CompletableFuture<GroupAnswer> fetch(KafkaRequest request, String groupId, Map<String, List<Integer>> asked) {
        if (!request.authorized(AclOperation.DESCRIBE, ResourceType.GROUP, groupId)) {
            return CompletableFuture.completedFuture(
                    new GroupAnswer(groupId, Errors.GROUP_AUTHORIZATION_FAILED.code(), Map.of()));
        }
        return services.groups().offsets().fetch(groupId, true)
                .thenApply(committed -> answer(groupId, committed, asked))
                .exceptionally(e -> refused(groupId, asked, e))
                .thenApply(a -> describable(request, a, asked == null));
    }

    /**
     * Kafka's rule: topics the principal may not DESCRIBE are left out of an all-topics answer, and
     * named ones are answered TOPIC_AUTHORIZATION_FAILED without their offsets.
     */
    private static GroupAnswer describable(KafkaRequest request, GroupAnswer a, boolean all) {
        Map<String, List<Partition>> topics = new LinkedHashMap<>();
        a.topics().forEach((topic, partitions) -> {
            if (topic.startsWith("\0") || request.authorizedOnTopic(AclOperation.DESCRIBE, topic)) {
                topics.put(topic, partitions);
            } else if (!all) {
                topics.put(topic, partitions.stream().map(p -> new Partition(p.index(), -1, "",
                        Errors.TOPIC_AUTHORIZATION_FAILED.code())).toList());
            }
        });
        return new GroupAnswer(a.groupId(), a.error(), topics);
    }

    private static GroupAnswer answer(String groupId, SortedMap<TopicPartition, CommittedOffset> committed,
                                      Map<String, List<Integer>> asked) {
        Map<String, List<Partition>> topics = new LinkedHashMap<>();
        if (asked == null) {
            committed.forEach((tp, c) -> topics.computeIfAbsent(tp.topic(), t -> new ArrayList<>())
                    .add(new Partition(tp.partition(), c.offset(), c.metadata(), Errors.NONE.code())));
        } else {
            asked.forEach((topic, partitions) -> {
                List<Partition> out = topics.computeIfAbsent(topic, t -> new ArrayList<>());
                for (int p : partitions) {
                    CommittedOffset c = committed.get(new TopicPartition(topic, p));
                    short error = topic.startsWith("\0") ? Errors.UNKNOWN_TOPIC_ID.code() : Errors.NONE.code();
                    out.add(c == null ? new Partition(p, -1, "", error) : new Partition(p, c.offset(), c.metadata(), error));
                }
            });
        }
        return new GroupAnswer(groupId, Errors.NONE.code(), topics);
    }

    /**
     * Offsets not settled yet are reported on the partitions (consumers retry that, whereas a group-level
     * UNSTABLE_OFFSET_COMMIT ends their fetch); other refusals (NOT_COORDINATOR, ...) on the group.
     */
    private static GroupAnswer refused(String groupId, Map<String, List<Integer>> asked, Throwable e) {
        Throwable cause = e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
        if (cause instanceof SluiceException se && se.code() == ErrorCode.UNSTABLE_OFFSET_COMMIT) {
            if (asked == null) {
                return new GroupAnswer(groupId, Errors.COORDINATOR_LOAD_IN_PROGRESS.code(), Map.of());
            }
            Map<String, List<Partition>> topics = new LinkedHashMap<>();
            asked.forEach((topic, ps) -> topics.put(topic, ps.stream().map(p -> new Partition(p, -1, "",
                    Errors.UNSTABLE_OFFSET_COMMIT.code())).toList()));
            return new GroupAnswer(groupId, Errors.NONE.code(), topics);
        }
        return new GroupAnswer(groupId, GroupRequests.code(e), Map.of());
    }

    /** The v1-7 shape; v1 has no group-level error, so it goes on the partitions asked. */
    private static OffsetFetchResponseData single(GroupAnswer a, short version) {
        OffsetFetchResponseData response = new OffsetFetchResponseData();
        if (version >= 2) {
            response.setErrorCode(a.error());
        }
        a.topics().forEach((topic, partitions) -> {
            OffsetFetchResponseTopic t = new OffsetFetchResponseTopic().setName(topic);
            for (Partition p : partitions) {
                t.partitions().add(new OffsetFetchResponsePartition().setPartitionIndex(p.index())
                        .setCommittedOffset(p.offset()).setMetadata(p.metadata())
                        .setErrorCode(version < 2 && a.error() != 0 ? a.error() : p.error()));
            }
            response.topics().add(t);
        });
        return response;
    }

    private static OffsetFetchResponseGroup group(GroupAnswer a, short version, MetadataImage image) {
        OffsetFetchResponseGroup g = new OffsetFetchResponseGroup().setGroupId(a.groupId()).setErrorCode(a.error());
        a.topics().forEach((topic, partitions) -> {
            OffsetFetchResponseTopics t = new OffsetFetchResponseTopics();
            if (version >= 10) {
                t.setTopicId(topicId(topic, image));
            } else {
                t.setName(topic);
            }
            for (Partition p : partitions) {
                t.partitions().add(new OffsetFetchResponsePartitions().setPartitionIndex(p.index())
                        .setCommittedOffset(p.offset()).setMetadata(p.metadata()).setErrorCode(p.error()));
            }
            g.topics().add(t);
        });
        return g;
    }

    private static Uuid topicId(String topic, MetadataImage image) {
        if (topic.startsWith("\0")) {
            return Uuid.fromString(topic.substring(1));
        }
        TopicImage t = image.topics().topic(topic);
        return t == null ? Uuid.ZERO_UUID : TopicIds.toKafka(t.id());
    }
}
