package io.sluice.group;

/**
 * Coordinator settings (Kafka's {@code group.*} broker settings where they exist). Immutable.
 *
 * @param heartbeatIntervalMs       the interval members are told to heartbeat at, at most a third of their session
 * @param minSessionTimeoutMs       the shortest {@code session.timeout.ms} a member may ask for
 * @param maxSessionTimeoutMs       the longest
 * @param initialRebalanceDelayMs   how long a coordinator that takes over a group with committed offsets
 *                                  hands out only the partitions members report owning, so that members of
 *                                  the previous coordinator can rejoin and report theirs before anything moves
 * @param expiryCheckIntervalMs     how often session and rebalance timeouts are checked
 * @param maxOffsetsPerCommand      the most offset commits one Raft entry carries
 * @param classicMaxSize            the most members a classic group admits (Kafka's {@code group.max.size})
 * @param consumerMaxSize           the most members a KIP-848 / Sluice group admits (Kafka's {@code
 *                                  group.consumer.max.size})
 */
public record GroupConfig(int heartbeatIntervalMs, int minSessionTimeoutMs, int maxSessionTimeoutMs,
                          int initialRebalanceDelayMs, int expiryCheckIntervalMs, int maxOffsetsPerCommand,
                          int classicMaxSize, int consumerMaxSize) {

    public static GroupConfig defaults() {
        return new GroupConfig(3_000, 500, 1_800_000, 3_000, 50, 5_000, Integer.MAX_VALUE, Integer.MAX_VALUE);
    }

    public GroupConfig withInitialRebalanceDelayMs(int delayMs) {
        return new GroupConfig(heartbeatIntervalMs, minSessionTimeoutMs, maxSessionTimeoutMs, delayMs,
                expiryCheckIntervalMs, maxOffsetsPerCommand, classicMaxSize, consumerMaxSize);
    }

    public GroupConfig withMaxSizes(int classic, int consumer) {
        return new GroupConfig(heartbeatIntervalMs, minSessionTimeoutMs, maxSessionTimeoutMs, initialRebalanceDelayMs,
                expiryCheckIntervalMs, maxOffsetsPerCommand, classic, consumer);
    }
}
