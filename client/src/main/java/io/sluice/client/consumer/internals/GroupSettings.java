package io.sluice.client.consumer.internals;

/**
 * The consumer settings that concern its group, read once from the consumer's configuration. Immutable.
 *
 * @param groupId               {@code group.id}
 * @param instanceId            {@code group.instance.id}, empty for a dynamic member
 * @param sessionTimeoutMs      {@code session.timeout.ms}: the coordinator removes the member after this long without a heartbeat
 * @param heartbeatIntervalMs   {@code heartbeat.interval.ms}: the longest gap between heartbeats (the coordinator may ask for less)
 * @param rebalanceTimeoutMs    {@code max.poll.interval.ms}: how long the member may take to release revoked partitions
 * @param assignor              {@code group.remote.assignor} ({@code range} or {@code roundrobin}), empty for the group's choice
 * @param autoCommit            {@code enable.auto.commit}
 * @param autoCommitIntervalMs  {@code auto.commit.interval.ms}
 * @param requestTimeoutMs      {@code request.timeout.ms}
 * @param retryBackoffMs        {@code retry.backoff.ms}
 */
public record GroupSettings(String groupId, String instanceId, int sessionTimeoutMs, int heartbeatIntervalMs,
                            int rebalanceTimeoutMs, String assignor, boolean autoCommit, long autoCommitIntervalMs,
                            int requestTimeoutMs, long retryBackoffMs) {
}
