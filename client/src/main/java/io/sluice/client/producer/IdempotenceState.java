package io.sluice.client.producer;

import io.sluice.protocol.TopicPartition;
import io.sluice.protocol.record.RecordBatch;
import java.util.HashMap;
import java.util.Map;

/**
 * The idempotent producer's identity and the next sequence number of each partition. A batch takes
 * its base sequence when it is sealed and keeps it through retries, so a broker that tracks producer
 * ids can drop a retried duplicate. When a sealed batch finally fails, the sequence of its partition
 * has a gap the broker would refuse, so the producer starts over with a new id ({@link #reset}).
 *
 * <p>Confined to the sender thread.
 */
final class IdempotenceState {
    /** Where getting a producer id stands. */
    enum Phase { WANTED, REQUESTED, READY, DISABLED }

    private Phase phase;
    private long producerId = RecordBatch.NO_PRODUCER_ID;
    private short producerEpoch = RecordBatch.NO_PRODUCER_EPOCH;
    private long retryAtMs;
    private final Map<TopicPartition, Integer> nextSequence = new HashMap<>();

    IdempotenceState(boolean enabled) {
        this.phase = enabled ? Phase.WANTED : Phase.DISABLED;
    }

    Phase phase() {
        return phase;
    }

    /** Whether batches may be sealed now: an id is held, or idempotence is off. */
    boolean canSeal() {
        return phase == Phase.READY || phase == Phase.DISABLED;
    }

    boolean shouldRequest(long nowMs) {
        return phase == Phase.WANTED && nowMs >= retryAtMs;
    }

    void requested() {
        phase = Phase.REQUESTED;
    }

    void granted(long id, short epoch) {
        producerId = id;
        producerEpoch = epoch;
        nextSequence.clear();
        phase = Phase.READY;
    }

    void retryAt(long atMs) {
        phase = Phase.WANTED;
        retryAtMs = atMs;
    }

    void disable() {
        phase = Phase.DISABLED;
        producerId = RecordBatch.NO_PRODUCER_ID;
        producerEpoch = RecordBatch.NO_PRODUCER_EPOCH;
    }

    /** Forgets the id after a sequence gap; a new one is requested before the next batch is sealed. */
    void reset() {
        if (phase == Phase.READY) {
            phase = Phase.WANTED;
            retryAtMs = 0;
            producerId = RecordBatch.NO_PRODUCER_ID;
        }
    }

    long producerId() {
        return producerId;
    }

    short producerEpoch() {
        return producerEpoch;
    }

    /** Takes {@code count} sequence numbers of the partition and returns the first, wrapping like Kafka. */
    int takeSequence(TopicPartition tp, int count) {
        if (phase != Phase.READY) {
            return RecordBatch.NO_SEQUENCE;
        }
        int base = nextSequence.getOrDefault(tp, 0);
        long next = (long) base + count;
        nextSequence.put(tp, (int) (next > Integer.MAX_VALUE ? next - Integer.MAX_VALUE - 1 : next));
        return base;
    }
}
