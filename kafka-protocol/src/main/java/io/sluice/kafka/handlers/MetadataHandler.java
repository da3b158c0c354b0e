package io.sluice.kafka.handlers;

import io.sluice.kafka.codec.KafkaApiHandler;
import io.sluice.kafka.codec.KafkaRequest;
import io.sluice.metadata.acl.AclOperation;
import io.sluice.metadata.image.BrokerRegistration;
import io.sluice.metadata.image.MetadataImage;
import io.sluice.metadata.image.PartitionRegistration;
import io.sluice.metadata.image.TopicImage;
import io.sluice.server.BrokerServices;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.errors.InvalidTopicException;
import org.apache.kafka.common.internals.Topic;
import org.apache.kafka.common.message.MetadataRequestData;
import org.apache.kafka.common.message.MetadataResponseData;
import org.apache.kafka.common.message.MetadataResponseData.MetadataResponseBroker;
import org.apache.kafka.common.message.MetadataResponseData.MetadataResponsePartition;
import org.apache.kafka.common.message.MetadataResponseData.MetadataResponseTopic;
import org.apache.kafka.common.protocol.Errors;

/**
 * Metadata from this node's image: the live (unfenced) brokers, the controller, and each requested
 * topic's partitions with leader, epoch, replicas, ISR and offline replicas. A missing topic is
 * created when the client allows it and {@code auto.create.topics.enable} is on (answered
 * LEADER_NOT_AVAILABLE meanwhile, which clients retry, as Kafka does), if the principal may CREATE on the
 * cluster or the topic. Topics the principal may not DESCRIBE are left out of an all-topics answer and
 * answered TOPIC_AUTHORIZATION_FAILED when named.
 */
public final class MetadataHandler implements KafkaApiHandler<MetadataRequestData> {
    private final BrokerServices services;
    private final TopicCreator creator;

    public MetadataHandler(BrokerServices services, TopicCreator creator) {
        this.services = services;
        this.creator = creator;
    }

    @Override
    public CompletableFuture<MetadataResponseData> handle(KafkaRequest request, MetadataRequestData data) {
        MetadataImage image = services.metadata().image();
        MetadataResponseData response = new MetadataResponseData()
                .setClusterId(image.clusterId())
                .setControllerId(controllerId(services, image));
        for (BrokerRegistration registered : image.cluster().brokers().values()) {
            BrokerRegistration b = registered.on(request.listener());
            if (!b.fenced()) {
                response.brokers().add(new MetadataResponseBroker().setNodeId(b.id()).setHost(b.host())
                        .setPort(b.port()).setRack(b.rack() == null || b.rack().isEmpty() ? null : b.rack()));
            }
        }
        boolean autoCreate = data.allowAutoTopicCreation() && services.config().autoCreateTopics();
        if (data.topics() == null) {
            for (TopicImage topic : image.topics().byName().values()) {
                if (request.authorizedOnTopic(AclOperation.DESCRIBE, topic.name())) {
                    response.topics().add(describe(image, topic));
                }
            }
        } else {
            for (MetadataRequestData.MetadataRequestTopic t : data.topics()) {
                response.topics().add(lookup(request, image, t, autoCreate));
            }
        }
        return CompletableFuture.completedFuture(response);
    }

    /** The metadata leader, where Kafka's admin client sends controller requests; any node takes them. */
    static int controllerId(BrokerServices services, MetadataImage image) {
        var leader = services.metadata().leaderId();
        if (leader.isPresent() && image.cluster().isUnfenced(leader.getAsInt())) {
            return leader.getAsInt();
        }
        return services.nodeId();
    }

    private MetadataResponseTopic lookup(KafkaRequest request, MetadataImage image,
                                         MetadataRequestData.MetadataRequestTopic t, boolean autoCreate) {
        Uuid id = t.topicId();
        boolean byId = id != null && !id.equals(Uuid.ZERO_UUID);
        // Kafka's rule: a topic id names the topic whatever the name says (clients send "" with an id, e.g.
        // a consumer with a KIP-848 regex subscription asking for the topics it was assigned).
        if (t.name() == null || byId) {
            TopicImage topic = byId ? image.topics().topicById(TopicIds.fromKafka(id)) : null;
            if (topic != null && !request.authorizedOnTopic(AclOperation.DESCRIBE, topic.name())) {
                return new MetadataResponseTopic().setTopicId(id).setErrorCode(Errors.TOPIC_AUTHORIZATION_FAILED.code());
            }
            return topic != null ? describe(image, topic)
                    : new MetadataResponseTopic().setTopicId(id).setErrorCode(Errors.UNKNOWN_TOPIC_ID.code());
        }
        // Kafka's rule: a topic the principal may not describe is TOPIC_AUTHORIZATION_FAILED whether or not
        // it exists, so its existence does not leak.
        if (!request.authorizedOnTopic(AclOperation.DESCRIBE, t.name())) {
            return new MetadataResponseTopic().setName(t.name()).setErrorCode(Errors.TOPIC_AUTHORIZATION_FAILED.code());
        }
        TopicImage topic = image.topics().topic(t.name());
        if (topic != null) {
            return describe(image, topic);
        }
        MetadataResponseTopic missing = new MetadataResponseTopic().setName(t.name());
        try {
            Topic.validate(t.name());
        } catch (InvalidTopicException e) {
            return missing.setErrorCode(Errors.INVALID_TOPIC_EXCEPTION.code());
        }
        if (!autoCreate || !request.authorizedOnCluster(AclOperation.CREATE)
                && !request.authorizedOnTopic(AclOperation.CREATE, t.name())) {
            return missing.setErrorCode(Errors.UNKNOWN_TOPIC_OR_PARTITION.code());
        }
        creator.createWithDefaults(t.name());
        return missing.setErrorCode(Errors.LEADER_NOT_AVAILABLE.code());
    }

    static MetadataResponseTopic describe(MetadataImage image, TopicImage topic) {
        List<MetadataResponsePartition> partitions = new ArrayList<>(topic.partitions().size());
        for (Map.Entry<Integer, PartitionRegistration> e : topic.partitions().entrySet()) {
            PartitionRegistration p = e.getValue();
            List<Integer> offline = new ArrayList<>();
            for (int replica : p.replicas()) {
                if (!image.cluster().isUnfenced(replica)) {
                    offline.add(replica);
                }
            }
            partitions.add(new MetadataResponsePartition()
                    .setPartitionIndex(e.getKey())
                    .setErrorCode(p.hasLeader() ? Errors.NONE.code() : Errors.LEADER_NOT_AVAILABLE.code())
                    .setLeaderId(p.leader())
                    .setLeaderEpoch(p.leaderEpoch())
                    .setReplicaNodes(new ArrayList<>(p.replicas()))
                    .setIsrNodes(new ArrayList<>(p.isr()))
                    .setOfflineReplicas(offline));
        }
        return new MetadataResponseTopic().setName(topic.name()).setTopicId(TopicIds.toKafka(topic.id()))
                .setIsInternal(false).setPartitions(partitions);
    }
}
