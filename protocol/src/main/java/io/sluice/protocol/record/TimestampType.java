package io.sluice.protocol.record;

/** Attribute bit 3 of a v2 batch: who set the timestamps, the producer or the broker. */
public enum TimestampType {
    CREATE_TIME,
    LOG_APPEND_TIME
}
