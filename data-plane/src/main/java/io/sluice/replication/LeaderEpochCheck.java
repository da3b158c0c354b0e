package io.sluice.replication;

import io.sluice.protocol.ErrorCode;

/**
 * The check of the leader epoch a client or follower believes current (Kafka's KIP-320), for the
 * requests that a partition's leader serves. A stale epoch means the sender's metadata is old; a newer
 * one means this broker has not heard of a leader change yet, and may be a former leader cut off from
 * the quorum: it must not serve what it holds as if it still led.
 */
public final class LeaderEpochCheck {
    private LeaderEpochCheck() {
    }

    /** NONE when {@code requested} is -1 (the sender does not say) or the leader's epoch. */
    public static ErrorCode check(int requested, int current) {
        if (requested < 0 || requested == current) {
            return ErrorCode.NONE;
        }
        return requested < current ? ErrorCode.FENCED_LEADER_EPOCH : ErrorCode.UNKNOWN_LEADER_EPOCH;
    }

    /** The message for a {@link #check} error. */
    public static String describe(int requested, int current) {
        return requested < current
                ? "leader epoch " + requested + " is stale; the current one is " + current + ": refresh metadata"
                : "leader epoch " + requested + " is newer than this broker's " + current + ": it has not caught up";
    }
}
