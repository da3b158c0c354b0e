package io.sluice.client.consumer;

import io.sluice.protocol.TopicPartition;
import java.util.Collection;

/**
 * Told when the group moves partitions to or away from this consumer, on the thread that calls
 * {@link Consumer#poll} (never concurrently with it). The coordinator hands a partition to its next
 * owner only after this consumer has returned from {@link #onPartitionsRevoked} and released it, so
 * committing there (as auto-commit does just before) is what lets the next owner start exactly where
 * this one stopped.
 */
public interface ConsumerRebalanceListener {

    /** No callbacks: what {@code subscribe} uses without a listener. */
    ConsumerRebalanceListener NONE = new ConsumerRebalanceListener() {
        @Override
        public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
        }

        @Override
        public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
        }
    };

    /** The partitions are about to be taken away; commit their offsets here if auto-commit is off. */
    void onPartitionsRevoked(Collection<TopicPartition> partitions);

    /** The partitions are now this consumer's; their positions are set from the committed offsets. */
    void onPartitionsAssigned(Collection<TopicPartition> partitions);

    /**
     * The partitions were lost without a chance to commit (this member was removed from the group, or
     * its session expired): another member may own them already. By default the same as revocation.
     */
    default void onPartitionsLost(Collection<TopicPartition> partitions) {
        onPartitionsRevoked(partitions);
    }
}
