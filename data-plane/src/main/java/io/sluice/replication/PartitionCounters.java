package io.sluice.replication;

import java.util.concurrent.atomic.LongAdder;

/**
 * Traffic of one partition replica since it was created on this broker: what producers appended,
 * what consumers and followers fetched. Held by the {@link Partition} so the append and fetch paths
 * only add to striped counters (no allocation, no lock, no map lookup); the metrics endpoint sums
 * them per topic when scraped. They start at zero when the replica is created here (a restart or a
 * re-created topic looks like a counter reset, which Prometheus' {@code rate} handles).
 *
 * <p>Thread-safe.
 */
public final class PartitionCounters {
    private final LongAdder bytesIn = new LongAdder();
    private final LongAdder recordsIn = new LongAdder();
    private final LongAdder bytesOut = new LongAdder();
    private final LongAdder recordsOut = new LongAdder();
    private final LongAdder replicationBytesOut = new LongAdder();

    /** A leader appended a producer's batches (not a retried duplicate). */
    void appended(long bytes, long records) {
        bytesIn.add(bytes);
        recordsIn.add(records);
    }

    /**
     * A fetch read whole batches of {@code records} offsets: to a consumer, or to a follower (which
     * counts as replication traffic only).
     */
    void fetched(boolean follower, long bytes, long records) {
        if (follower) {
            replicationBytesOut.add(bytes);
        } else {
            bytesOut.add(bytes);
            recordsOut.add(records);
        }
    }

    public long bytesIn() {
        return bytesIn.sum();
    }

    public long recordsIn() {
        return recordsIn.sum();
    }

    public long bytesOut() {
        return bytesOut.sum();
    }

    /** Offsets of the whole batches sent to consumers (a batch is sent whole even when read from its middle). */
    public long recordsOut() {
        return recordsOut.sum();
    }

    public long replicationBytesOut() {
        return replicationBytesOut.sum();
    }
}
