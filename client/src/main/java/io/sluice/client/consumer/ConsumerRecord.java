package io.sluice.client.consumer;

import io.sluice.protocol.TopicPartition;
import io.sluice.protocol.record.Header;
import io.sluice.protocol.record.TimestampType;
import java.util.List;

/**
 * One record as the consumer returns it. Immutable (key and value objects are the deserializer's).
 *
 * @param topic the topic
 * @param partition the partition
 * @param offset the record's offset
 * @param timestamp create time, or the broker's append time
 * @param timestampType which of the two {@code timestamp} is
 * @param key the deserialized key, may be null
 * @param value the deserialized value, may be null
 * @param headers the record's headers
 * @param serializedKeySize key bytes, -1 for a null key
 * @param serializedValueSize value bytes, -1 for a null value
 * @param <K> key type
 * @param <V> value type
 */
public record ConsumerRecord<K, V>(String topic, int partition, long offset, long timestamp, TimestampType timestampType,
                                   K key, V value, List<Header> headers, int serializedKeySize,
                                   int serializedValueSize) {
    public TopicPartition topicPartition() {
        return new TopicPartition(topic, partition);
    }
}
