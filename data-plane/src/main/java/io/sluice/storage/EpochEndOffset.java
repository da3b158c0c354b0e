package io.sluice.storage;

/**
 * The answer to "where does epoch E end in your log?" (Kafka's OffsetsForLeaderEpoch): the largest
 * epoch &lt;= E this log knows and the offset where the next epoch starts (the log end offset for
 * the latest epoch). {@link #UNDEFINED} when the log has no epoch &lt;= E or E is unknown and newer.
 */
public record EpochEndOffset(int epoch, long endOffset) {
    public static final int UNDEFINED_EPOCH = -1;
    public static final long UNDEFINED_OFFSET = -1L;
    public static final EpochEndOffset UNDEFINED = new EpochEndOffset(UNDEFINED_EPOCH, UNDEFINED_OFFSET);
}
