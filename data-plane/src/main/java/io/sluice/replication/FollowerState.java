package io.sluice.replication;

/**
 * What a leader knows of one follower: the offset it fetches from (everything below is durable on it,
 * since a follower fetches again only after its last append is fsynced), when it last fetched and
 * when it was last caught up with the leader. Immutable.
 */
record FollowerState(long fetchOffset, long lastFetchTimeMs, long lastCaughtUpTimeMs, long leaderEndAtLastFetch) {
    static FollowerState unknown(long nowMs) {
        // A new leader gives every follower a full lag period before it may be removed from the ISR.
        return new FollowerState(-1, -1, nowMs, -1);
    }

    /** Kafka's rule: caught up if it reached the leader's end now, or the end as of its previous fetch. */
    FollowerState onFetch(long offset, long leaderEnd, long nowMs) {
        long caughtUp = lastCaughtUpTimeMs;
        if (offset >= leaderEnd) {
            caughtUp = nowMs;
        } else if (leaderEndAtLastFetch >= 0 && offset >= leaderEndAtLastFetch) {
            caughtUp = Math.max(caughtUp, lastFetchTimeMs);
        }
        return new FollowerState(offset, nowMs, caughtUp, leaderEnd);
    }
}
