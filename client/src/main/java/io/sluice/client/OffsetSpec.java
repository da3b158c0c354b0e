package io.sluice.client;

/**
 * Which offset of a partition to look up: the earliest, the latest, or the first with a timestamp at
 * least a given one.
 *
 * @param timestamp -2 for earliest, -1 for latest, otherwise epoch milliseconds
 */
public record OffsetSpec(long timestamp) {
    public static final long EARLIEST_TIMESTAMP = -2L;
    public static final long LATEST_TIMESTAMP = -1L;

    public static OffsetSpec earliest() {
        return new OffsetSpec(EARLIEST_TIMESTAMP);
    }

    public static OffsetSpec latest() {
        return new OffsetSpec(LATEST_TIMESTAMP);
    }

    public static OffsetSpec forTimestamp(long timestamp) {
        return new OffsetSpec(timestamp);
    }
}
