package io.sluice.metadata.controller;

import io.sluice.metadata.image.MetadataImage;
import io.sluice.metadata.image.PartitionRegistration;
import io.sluice.metadata.image.TopicImage;
import io.sluice.protocol.ErrorCode;
import io.sluice.protocol.metadata.AlterConfigsCommand;
import io.sluice.protocol.metadata.ConfigRecord;
import io.sluice.protocol.metadata.CreatePartitionsCommand;
import io.sluice.protocol.metadata.CreateTopicCommand;
import io.sluice.protocol.metadata.DeleteTopicCommand;
import io.sluice.protocol.metadata.MetadataCommandResult;
import io.sluice.protocol.metadata.MetadataRecord;
import io.sluice.protocol.metadata.RemoveTopicRecord;
import io.sluice.protocol.metadata.TopicRecord;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;

/** Topic commands: create, delete, add partitions, alter configs. Stateless. */
final class TopicControl {

    private TopicControl() {
    }

    static ControllerResult create(MetadataImage image, CreateTopicCommand cmd, long index) {
        String name = cmd.getName();
        Optional<String> badName = TopicNames.check(name);
        if (badName.isPresent()) {
            return ControllerResult.error(ErrorCode.INVALID_TOPIC_EXCEPTION, badName.get());
        }
        if (image.topics().topic(name) != null) {
            return ControllerResult.error(ErrorCode.TOPIC_ALREADY_EXISTS, "Topic '" + name + "' already exists.");
        }
        if (cmd.getPartitions() <= 0) {
            return ControllerResult.error(ErrorCode.INVALID_PARTITIONS,
                    "Number of partitions must be larger than 0, was " + cmd.getPartitions() + ".");
        }
        if (cmd.getReplicationFactor() <= 0) {
            return ControllerResult.error(ErrorCode.INVALID_REPLICATION_FACTOR,
                    "Replication factor must be larger than 0, was " + cmd.getReplicationFactor() + ".");
        }
        List<Integer> brokers = image.cluster().eligibleBrokerIds();
        Optional<ControllerResult> tooFew = checkReplicationFactor(cmd.getReplicationFactor(), brokers.size());
        if (tooFew.isPresent()) {
            return tooFew.get();
        }
        Optional<String> badConfig = TopicConfigs.checkAll(cmd.getConfigsMap());
        if (badConfig.isPresent()) {
            return ControllerResult.error(ErrorCode.INVALID_CONFIG, badConfig.get());
        }
        // Deterministic, and unique per creation: a topic deleted and re-created gets a new id.
        String topicId = UUID.nameUUIDFromBytes(("sluice-topic:" + name + "@" + index)
                .getBytes(StandardCharsets.UTF_8)).toString();
        List<MetadataRecord> records = new ArrayList<>();
        records.add(MetadataRecord.newBuilder()
                .setTopic(TopicRecord.newBuilder().setName(name).setTopicId(topicId)).build());
        // Rotating the start with the cluster's partition count spreads preferred leaders across topics.
        int start = Math.floorMod(image.topics().totalPartitions(), brokers.size());
        List<List<Integer>> assignment = ReplicaAssignor.assign(brokers, 0, cmd.getPartitions(),
                cmd.getReplicationFactor(), start);
        addPartitions(records, topicId, 0, assignment);
        new TreeMap<>(cmd.getConfigsMap()).forEach((key, value) -> records.add(configRecord(name, key, value, false)));
        return ControllerResult.of(records, MetadataCommandResult.newBuilder().setTopicId(topicId).build());
    }

    static ControllerResult delete(MetadataImage image, DeleteTopicCommand cmd) {
        TopicImage topic = image.topics().topic(cmd.getName());
        if (topic == null) {
            return unknownTopic(cmd.getName());
        }
        return ControllerResult.of(List.of(MetadataRecord.newBuilder()
                        .setRemoveTopic(RemoveTopicRecord.newBuilder().setTopicId(topic.id())).build()),
                MetadataCommandResult.newBuilder().setTopicId(topic.id()).build());
    }

    /** Grows a topic; new partitions follow the placement pattern of the existing ones. */
    static ControllerResult createPartitions(MetadataImage image, CreatePartitionsCommand cmd) {
        TopicImage topic = image.topics().topic(cmd.getTopic());
        if (topic == null) {
            return unknownTopic(cmd.getTopic());
        }
        int current = topic.partitionCount();
        if (cmd.getTotalCount() <= current) {
            return ControllerResult.error(ErrorCode.INVALID_PARTITIONS, "Topic '" + topic.name() + "' has " + current
                    + " partitions; partitions can only be added, so the new count must be larger than " + current + ".");
        }
        int replicationFactor = topic.partition(0).targetReplicas().size();
        List<Integer> brokers = image.cluster().eligibleBrokerIds();
        Optional<ControllerResult> tooFew = checkReplicationFactor(replicationFactor, brokers.size());
        if (tooFew.isPresent()) {
            return tooFew.get();
        }
        int preferred = topic.partition(0).preferredLeader();
        int start = Math.max(0, brokers.indexOf(preferred));
        List<MetadataRecord> records = new ArrayList<>();
        addPartitions(records, topic.id(), current,
                ReplicaAssignor.assign(brokers, current, cmd.getTotalCount() - current, replicationFactor, start));
        return ControllerResult.of(records, MetadataCommandResult.newBuilder().setTopicId(topic.id()).build());
    }

    static ControllerResult alterConfigs(MetadataImage image, AlterConfigsCommand cmd) {
        if (image.topics().topic(cmd.getTopic()) == null) {
            return unknownTopic(cmd.getTopic());
        }
        Optional<String> bad = TopicConfigs.checkAll(cmd.getSetMap());
        if (bad.isEmpty()) {
            bad = cmd.getDeleteList().stream().sorted().map(TopicConfigs::checkKey).flatMap(Optional::stream).findFirst();
        }
        if (bad.isPresent()) {
            return ControllerResult.error(ErrorCode.INVALID_CONFIG, bad.get());
        }
        List<MetadataRecord> records = new ArrayList<>();
        new TreeMap<>(cmd.getSetMap()).forEach((key, value) -> records.add(configRecord(cmd.getTopic(), key, value, false)));
        for (String key : new TreeSet<>(cmd.getDeleteList())) {
            if (!cmd.getSetMap().containsKey(key)) {
                records.add(configRecord(cmd.getTopic(), key, "", true));
            }
        }
        return ControllerResult.ok(records);
    }

    static ControllerResult unknownTopic(String name) {
        return ControllerResult.error(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION,
                "Topic '" + name + "' does not exist: check the name, or create it first.");
    }

    private static Optional<ControllerResult> checkReplicationFactor(int replicationFactor, int available) {
        if (replicationFactor <= available) {
            return Optional.empty();
        }
        return Optional.of(ControllerResult.error(ErrorCode.INVALID_REPLICATION_FACTOR, "Replication factor "
                + replicationFactor + " is larger than the number of available (registered, unfenced) brokers: "
                + available + ". Start more brokers or use a smaller replication factor."));
    }

    private static void addPartitions(List<MetadataRecord> records, String topicId, int first,
                                      List<List<Integer>> assignment) {
        for (int i = 0; i < assignment.size(); i++) {
            List<Integer> replicas = assignment.get(i);
            PartitionRegistration p = new PartitionRegistration(replicas, replicas, replicas.get(0), 0, 0);
            records.add(p.toRecord(topicId, first + i));
        }
    }

    private static MetadataRecord configRecord(String topic, String key, String value, boolean remove) {
        return MetadataRecord.newBuilder().setConfig(ConfigRecord.newBuilder()
                .setTopic(topic).setKey(key).setValue(value).setRemove(remove)).build();
    }
}
