package io.sluice.metadata.image;

import io.sluice.protocol.metadata.PartitionRecord;
import io.sluice.protocol.metadata.TopicRecord;

import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;

/** Topic and partition changes of one apply. Not thread-safe (used on the apply thread only). */
public final class TopicsDelta {

    /** The new state of one created or changed topic, and which of its partitions changed. */
    public static final class TopicChange {
        private final String name;
        private final String id;
        private final boolean created;
        private final TreeMap<Integer, PartitionRegistration> partitions;
        private final SortedSet<Integer> changedPartitions = new TreeSet<>();

        private TopicChange(String name, String id, boolean created, Map<Integer, PartitionRegistration> partitions) {
            this.name = name;
            this.id = id;
            this.created = created;
            this.partitions = new TreeMap<>(partitions);
        }

        public String name() {
            return name;
        }

        public String id() {
            return id;
        }

        /** True when the topic did not exist before this apply. */
        public boolean created() {
            return created;
        }

        /** Indexes of created or changed partitions. */
        public SortedSet<Integer> changedPartitions() {
            return Collections.unmodifiableSortedSet(changedPartitions);
        }

        public PartitionRegistration partition(int index) {
            return partitions.get(index);
        }

        TopicImage toImage() {
            return new TopicImage(name, id, partitions);
        }
    }

    private final TopicsImage base;
    private final Map<String, TopicChange> changed = new LinkedHashMap<>();
    private final Map<String, TopicImage> removed = new HashMap<>();

    TopicsDelta(TopicsImage base) {
        this.base = base;
    }

    /** Created or changed topics by id. */
    public Map<String, TopicChange> changedTopics() {
        return Collections.unmodifiableMap(changed);
    }

    /** Topics removed by this apply, by id, as they were before. */
    public Map<String, TopicImage> removedTopics() {
        return Collections.unmodifiableMap(removed);
    }

    void replay(TopicRecord record) {
        removed.remove(record.getTopicId());
        changed.put(record.getTopicId(), new TopicChange(record.getName(), record.getTopicId(), true, Map.of()));
    }

    void replay(PartitionRecord record) {
        TopicChange topic = changed.get(record.getTopicId());
        if (topic == null) {
            TopicImage existing = base.topicById(record.getTopicId());
            if (existing == null || removed.containsKey(record.getTopicId())) {
                throw new IllegalStateException("Partition record for unknown topic id " + record.getTopicId());
            }
            topic = new TopicChange(existing.name(), existing.id(), false, existing.partitions());
            changed.put(existing.id(), topic);
        }
        topic.partitions.put(record.getPartition(), PartitionRegistration.fromRecord(record));
        topic.changedPartitions.add(record.getPartition());
    }

    /** Removes a topic; returns its name, or null if it is not known. */
    String remove(String topicId) {
        TopicChange change = changed.remove(topicId);
        TopicImage existing = base.topicById(topicId);
        if (existing != null) {
            removed.put(topicId, existing);
            return existing.name();
        }
        return change == null ? null : change.name;
    }

    TopicsImage apply() {
        if (changed.isEmpty() && removed.isEmpty()) {
            return base;
        }
        Map<String, TopicImage> topics = new HashMap<>(base.byId());
        removed.keySet().forEach(topics::remove);
        changed.forEach((id, change) -> topics.put(id, change.toImage()));
        return new TopicsImage(topics);
    }
}
