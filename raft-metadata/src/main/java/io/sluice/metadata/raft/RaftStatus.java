package io.sluice.metadata.raft;

import java.util.Map;

/**
 * This node's view of the metadata Raft group at one moment, for the metrics endpoint.
 *
 * @param term               the current term
 * @param leaderId           the leader this node knows of, or -1
 * @param leader             whether this node leads (and its leadership is ready)
 * @param commitIndex        the highest index known committed
 * @param appliedIndex       the highest index applied to this node's state machine (its image)
 * @param lastLogIndex       the last index in this node's log
 * @param followerMatchIndex on the leader, each follower's match index (the last entry it is known to
 *                           hold); empty elsewhere
 */
public record RaftStatus(long term, int leaderId, boolean leader, long commitIndex, long appliedIndex,
                         long lastLogIndex, Map<Integer, Long> followerMatchIndex) {
}
