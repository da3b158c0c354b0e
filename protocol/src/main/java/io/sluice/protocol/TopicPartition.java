package io.sluice.protocol;

import java.util.Comparator;
import java.util.Objects;

/**
 * A partition of a topic, named by topic name and index: the one type for it in every module (the
 * client's public API, the metadata image, storage, both protocols' handlers). Ordered by topic, then
 * partition. Its string form {@code <topic>-<partition>} is also the name of the partition's directory
 * in a data dir, as in Kafka. Immutable.
 *
 * @param topic the topic's name, not empty
 * @param partition the partition's index, from 0
 */
public record TopicPartition(String topic, int partition) implements Comparable<TopicPartition> {
    private static final Comparator<TopicPartition> ORDER =
            Comparator.comparing(TopicPartition::topic).thenComparingInt(TopicPartition::partition);

    public TopicPartition {
        Objects.requireNonNull(topic, "topic");
        if (topic.isEmpty()) {
            throw new IllegalArgumentException("topic name is empty");
        }
        if (partition < 0) {
            throw new IllegalArgumentException("partition " + partition + " of " + topic + " is negative");
        }
    }

    /** The directory name, {@code <topic>-<partition>}. */
    public String dirName() {
        return topic + "-" + partition;
    }

    /** Parses a directory name; the topic may itself contain '-', the partition is after the last one. */
    public static TopicPartition fromDirName(String name) {
        int dash = name.lastIndexOf('-');
        if (dash <= 0 || dash == name.length() - 1) {
            throw new IllegalArgumentException("'" + name + "' is not a <topic>-<partition> directory name");
        }
        try {
            return new TopicPartition(name.substring(0, dash), Integer.parseInt(name.substring(dash + 1)));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("'" + name + "' does not end in a partition number", e);
        }
    }

    @Override
    public int compareTo(TopicPartition other) {
        return ORDER.compare(this, other);
    }

    @Override
    public String toString() {
        return dirName();
    }
}
