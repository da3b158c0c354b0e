package io.sluice.client;

/**
 * The answer of a ListOffsets lookup for one partition.
 *
 * @param offset the offset, -1 when no record has a timestamp at least the one asked for
 * @param timestamp the timestamp of that record, -1 if not applicable
 * @param leaderEpoch the leader epoch of that record, -1 if unknown
 */
public record ListedOffset(long offset, long timestamp, int leaderEpoch) {
}
