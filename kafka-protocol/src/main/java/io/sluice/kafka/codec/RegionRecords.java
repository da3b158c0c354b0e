package io.sluice.kafka.codec;

import io.sluice.storage.LogReadResult;
import org.apache.kafka.common.record.internal.BaseRecords;
import org.apache.kafka.common.record.internal.RecordsSend;

/**
 * Log bytes in a Kafka response message: a range of a segment file that {@link ResponseWriter} sends
 * as a zero-copy file region, never read into memory. Only the size is known to the message classes.
 */
public final class RegionRecords implements BaseRecords {
    private final LogReadResult.FileRange range;

    public RegionRecords(LogReadResult.FileRange range) {
        this.range = range;
    }

    public LogReadResult.FileRange range() {
        return range;
    }

    @Override
    public int sizeInBytes() {
        return range.length();
    }

    /** Kafka's own network layer is not used here; {@link ResponseWriter} writes the region. */
    @Override
    public RecordsSend<? extends BaseRecords> toSend() {
        throw new UnsupportedOperationException("log regions are written by ResponseWriter");
    }
}
