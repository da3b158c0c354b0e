package io.sluice.client.consumer.internals;

import io.sluice.protocol.TopicPartition;
import java.util.Collection;
import java.util.Comparator;
import java.util.Set;

/**
 * What group membership needs of the consumer's partition state: read and replace the assignment, and
 * read and set positions. Implemented by the consumer over its own state; called only from the
 * consumer's thread.
 */
public interface PartitionsView {

    /** Topic, then partition: the order partitions are listed and logged in. */
    Comparator<TopicPartition> ORDER = Comparator.comparing(TopicPartition::topic)
            .thenComparingInt(TopicPartition::partition);

    Set<TopicPartition> assignment();

    /** Replaces the assignment; partitions kept keep their positions, new ones have none. */
    void assign(Collection<TopicPartition> partitions);

    /** The position (next offset to return), or null when none is known yet. */
    Long position(TopicPartition tp);

    void seek(TopicPartition tp, long offset);
}
