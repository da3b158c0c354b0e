package io.sluice.replication;

import io.sluice.protocol.TopicPartition;
import java.util.List;

/** How a {@link Partition} reports what others wait on or must act on. Implementations must not block. */
interface PartitionListener {
    /** The high watermark moved (acks=all produces and consumer fetches may complete). */
    void onHighWatermarkChanged(TopicPartition tp);

    /** The leader wants the ISR changed to {@code isr}, based on {@code partitionEpoch}. */
    void onIsrChangeWanted(TopicPartition tp, int leader, List<Integer> isr, int partitionEpoch);
}
