package io.sluice.storage;

import io.sluice.protocol.TopicPartition;

/**
 * Told when a partition's durable end offset advances: every offset below {@code durableEndOffset}
 * survives a crash of this node (fsynced, or, under {@code log.flush.policy=interval}, written to
 * the page cache). Offsets only grow, except after a truncation, which the replication layer itself
 * orders.
 *
 * <p>Called from the log manager's flusher thread (policy {@code always}) or from the appending
 * thread right after the append (policy {@code interval}); it must be cheap and must not block or
 * call back into the log's append path (completing futures, waking a purgatory, is fine).
 */
@FunctionalInterface
public interface DurabilityListener {
    void onDurable(TopicPartition tp, long durableEndOffset);
}
