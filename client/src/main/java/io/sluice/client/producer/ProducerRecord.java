package io.sluice.client.producer;

import io.sluice.protocol.record.Header;
import java.util.List;
import java.util.Objects;

/**
 * A record to send. Leave {@code partition} null to let the producer choose it (murmur2 of the key, or
 * sticky partitioning for a null key) and {@code timestamp} null to stamp the send time. Immutable,
 * though key and value objects are the caller's.
 *
 * @param topic the topic
 * @param partition a partition, or null to let the partitioner choose
 * @param timestamp create time in epoch milliseconds, or null for now
 * @param key the key, may be null
 * @param value the value, may be null
 * @param headers record headers
 * @param <K> key type
 * @param <V> value type
 */
public record ProducerRecord<K, V>(String topic, Integer partition, Long timestamp, K key, V value, List<Header> headers) {
    public ProducerRecord {
        Objects.requireNonNull(topic, "topic");
        headers = headers == null ? List.of() : List.copyOf(headers);
    }

    public ProducerRecord(String topic, K key, V value) {
        this(topic, null, null, key, value, List.of());
    }

    public ProducerRecord(String topic, V value) {
        this(topic, null, null, null, value, List.of());
    }

    public ProducerRecord(String topic, Integer partition, K key, V value) {
        this(topic, partition, null, key, value, List.of());
    }
}
