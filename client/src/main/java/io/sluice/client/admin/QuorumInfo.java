package io.sluice.client.admin;

import java.util.List;

/**
 * The metadata quorum as DescribeQuorum reports it, in the terms of Kafka's {@code kafka-metadata-quorum}.
 *
 * @param leaderId the Raft leader
 * @param leaderEpoch its term
 * @param highWatermark the highest committed log index
 * @param voters the voting members
 * @param observers non-voting members
 */
public record QuorumInfo(int leaderId, long leaderEpoch, long highWatermark, List<ReplicaState> voters,
                         List<ReplicaState> observers) {
    public QuorumInfo {
        voters = List.copyOf(voters);
        observers = List.copyOf(observers);
    }

    /**
     * One member of the quorum.
     *
     * @param replicaId its node id
     * @param logEndOffset the highest log index known to be on it
     * @param lastFetchTimestamp wall-clock ms of its last fetch, -1 if unknown
     * @param lastCaughtUpTimestamp wall-clock ms when it was last caught up, -1 if unknown
     */
    public record ReplicaState(int replicaId, long logEndOffset, long lastFetchTimestamp, long lastCaughtUpTimestamp) {
    }
}
