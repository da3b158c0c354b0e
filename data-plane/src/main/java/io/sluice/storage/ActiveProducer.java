package io.sluice.storage;

/**
 * What a partition knows of one idempotent producer: its epoch, the last sequence it wrote and the
 * largest timestamp of its last batch (Kafka's DescribeProducers answer). Immutable.
 */
public record ActiveProducer(long producerId, short epoch, int lastSequence, long lastTimestamp) {
}
