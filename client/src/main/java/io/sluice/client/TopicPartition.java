package io.sluice.client;

/**
 * A partition of a topic. Immutable.
 *
 * @param topic the topic's name
 * @param partition the partition's index, from 0
 */
public record TopicPartition(String topic, int partition) {
    @Override
    public String toString() {
        return topic + "-" + partition;
    }
}
