package io.sluice.replication;

/**
 * Replication timings (Kafka's names): {@code replica.lag.time.max.ms} before a follower that is not
 * caught up leaves the ISR, and the follower fetch's wait and size. Immutable.
 */
public record ReplicationConfig(long replicaLagTimeMaxMs, int fetchMaxWaitMs, int fetchMaxBytes,
                                int fetchBackoffMs) {
    public static ReplicationConfig defaults() {
        return new ReplicationConfig(30_000, 500, 16 * 1024 * 1024, 200);
    }
}
