package io.sluice.storage;

import java.util.Objects;

/**
 * A partition of a topic; names the partition's directory {@code <topic>-<partition>}. Immutable.
 */
public record TopicPartition(String topic, int partition) {
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
    public String toString() {
        return dirName();
    }
}
