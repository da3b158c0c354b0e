package io.sluice.storage;

/** A ListOffsets answer: an offset and the timestamp of the record there (-1 when not by time). */
public record TimestampOffset(long timestamp, long offset) {
}
