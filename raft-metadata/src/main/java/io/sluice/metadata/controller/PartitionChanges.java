package io.sluice.metadata.controller;

import io.sluice.metadata.image.MetadataImage;
import io.sluice.metadata.image.PartitionRegistration;
import io.sluice.metadata.image.TopicImage;
import io.sluice.protocol.metadata.MetadataRecord;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.UnaryOperator;

/**
 * The partitions one command changes, kept as a working copy over the image so that several steps
 * (fencing brokers one after another) see each other's effect; then written as one record per
 * changed partition, in topic-id and partition order. Not thread-safe (one command's scratch space).
 */
final class PartitionChanges {

    private final MetadataImage image;
    private final Map<String, TreeMap<Integer, PartitionRegistration>> changed = new TreeMap<>();

    PartitionChanges(MetadataImage image) {
        this.image = image;
    }

    PartitionRegistration get(String topicId, int partition) {
        TreeMap<Integer, PartitionRegistration> partitions = changed.get(topicId);
        PartitionRegistration p = partitions == null ? null : partitions.get(partition);
        if (p != null) {
            return p;
        }
        TopicImage topic = image.topics().topicById(topicId);
        return topic == null ? null : topic.partition(partition);
    }

    /** Applies {@code change} to every partition of every topic; {@code change} gets the topic too. */
    void updateAll(PartitionUpdate change) {
        for (TopicImage topic : image.topics().byId().values()) {
            for (int index : topic.partitions().keySet()) {
                update(topic.id(), index, p -> change.apply(topic, p));
            }
        }
    }

    /** Replaces one partition by {@code change} of its current state, recording it if it differs. */
    PartitionRegistration update(String topicId, int partition, UnaryOperator<PartitionRegistration> change) {
        PartitionRegistration current = get(topicId, partition);
        PartitionRegistration next = change.apply(current);
        if (next != current) {
            changed.computeIfAbsent(topicId, id -> new TreeMap<>()).put(partition, next);
        }
        return next;
    }

    List<MetadataRecord> records() {
        List<MetadataRecord> records = new ArrayList<>();
        changed.forEach((topicId, partitions) ->
                partitions.forEach((index, p) -> records.add(p.toRecord(topicId, index))));
        return records;
    }

    /** A change of one partition that may depend on its topic (for per-topic configs). */
    @FunctionalInterface
    interface PartitionUpdate {
        PartitionRegistration apply(TopicImage topic, PartitionRegistration partition);
    }
}
