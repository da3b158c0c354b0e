package io.sluice.client.admin;

import io.sluice.client.PartitionInfo;
import java.util.List;

/**
 * A topic as the metadata describes it.
 *
 * @param name topic name
 * @param topicId the topic's unique id
 * @param partitions its partitions in index order
 */
public record TopicDescription(String name, String topicId, List<PartitionInfo> partitions) {
    public TopicDescription {
        partitions = List.copyOf(partitions);
    }

    /** Replicas per partition, taken from the first partition (every partition has the same count). */
    public int replicationFactor() {
        return partitions.isEmpty() ? 0 : partitions.get(0).replicas().size();
    }
}
