package io.sluice.client.consumer;

/**
 * A committed offset: the next record to read, and a free-form string stored with it. Immutable.
 *
 * @param offset   the offset of the next record the group should read
 * @param metadata stored with the offset, empty when none
 */
public record OffsetAndMetadata(long offset, String metadata) {
    public OffsetAndMetadata {
        if (offset < 0) {
            throw new IllegalArgumentException("a committed offset must be at least 0, not " + offset);
        }
        metadata = metadata == null ? "" : metadata;
    }

    public OffsetAndMetadata(long offset) {
        this(offset, "");
    }
}
