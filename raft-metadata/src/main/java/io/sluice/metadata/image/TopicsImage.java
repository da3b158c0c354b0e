package io.sluice.metadata.image;

import java.util.Collections;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/** Topics by id and by name (both views of the same topics, name order). Immutable. */
public final class TopicsImage {

    public static final TopicsImage EMPTY = new TopicsImage(Map.of());

    private final SortedMap<String, TopicImage> byId;
    private final SortedMap<String, TopicImage> byName;

    public TopicsImage(Map<String, TopicImage> topicsById) {
        TreeMap<String, TopicImage> ids = new TreeMap<>(topicsById);
        TreeMap<String, TopicImage> names = new TreeMap<>();
        ids.values().forEach(topic -> names.put(topic.name(), topic));
        this.byId = Collections.unmodifiableSortedMap(ids);
        this.byName = Collections.unmodifiableSortedMap(names);
    }

    public SortedMap<String, TopicImage> byId() {
        return byId;
    }

    public SortedMap<String, TopicImage> byName() {
        return byName;
    }

    public TopicImage topic(String name) {
        return byName.get(name);
    }

    public TopicImage topicById(String id) {
        return byId.get(id);
    }

    public int totalPartitions() {
        return byId.values().stream().mapToInt(TopicImage::partitionCount).sum();
    }

    /** How many partitions the broker leads. */
    public int partitionsLedBy(int brokerId) {
        int count = 0;
        for (TopicImage topic : byId.values()) {
            for (PartitionRegistration p : topic.partitions().values()) {
                if (p.leader() == brokerId) {
                    count++;
                }
            }
        }
        return count;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TopicsImage other && byId.equals(other.byId);
    }

    @Override
    public int hashCode() {
        return byId.hashCode();
    }

    @Override
    public String toString() {
        return "TopicsImage" + byName;
    }
}
