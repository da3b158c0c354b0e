package io.sluice.storage;

/**
 * Where a log asks for an fsync after an append under {@code log.flush.policy=always}; the {@link
 * LogManager}'s flusher coalesces requests so that one fsync covers every append that arrived
 * before it started. Must not block.
 */
@FunctionalInterface
interface FlushRequester {
    void requestFlush(PartitionLog log);
}
