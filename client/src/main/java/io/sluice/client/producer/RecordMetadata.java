package io.sluice.client.producer;

import io.sluice.protocol.TopicPartition;

/**
 * Where an acknowledged record was written. With {@code acks=0} the broker does not answer, so
 * {@code offset} is -1. Immutable.
 *
 * @param topic the topic
 * @param partition the partition
 * @param offset the record's offset, -1 if unknown
 * @param timestamp the create time, or the broker's append time for LogAppendTime topics
 * @param serializedKeySize key bytes, -1 for a null key
 * @param serializedValueSize value bytes, -1 for a null value
 */
public record RecordMetadata(String topic, int partition, long offset, long timestamp, int serializedKeySize,
                             int serializedValueSize) {
    public TopicPartition topicPartition() {
        return new TopicPartition(topic, partition);
    }
}
