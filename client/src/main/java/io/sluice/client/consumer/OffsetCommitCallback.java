package io.sluice.client.consumer;

import io.sluice.protocol.TopicPartition;
import java.util.Map;

/** Told the outcome of {@link Consumer#commitAsync}, on the thread that calls {@link Consumer#poll}. */
@FunctionalInterface
public interface OffsetCommitCallback {

    /** {@code exception} is null when every offset was committed. */
    void onComplete(Map<TopicPartition, OffsetAndMetadata> offsets, Exception exception);
}
