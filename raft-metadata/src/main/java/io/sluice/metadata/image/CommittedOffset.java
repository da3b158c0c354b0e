package io.sluice.metadata.image;

/** A consumer group's committed position in one partition. Immutable. */
public record CommittedOffset(long offset, String metadata, long commitTimestampMs) {
}
