package io.sluice.client;

import io.sluice.protocol.TopicPartition;
import java.util.List;

/**
 * What the metadata says about one partition. Immutable.
 *
 * @param topic topic name
 * @param partition partition index
 * @param leader id of the leader, -1 when it has none
 * @param leaderEpoch the leader's epoch
 * @param replicas the replica ids, preferred leader first
 * @param isr the in-sync replica ids
 * @param offlineReplicas replicas whose broker is down
 */
public record PartitionInfo(String topic, int partition, int leader, int leaderEpoch, List<Integer> replicas,
                            List<Integer> isr, List<Integer> offlineReplicas) {
    public PartitionInfo {
        replicas = List.copyOf(replicas);
        isr = List.copyOf(isr);
        offlineReplicas = List.copyOf(offlineReplicas);
    }

    public TopicPartition topicPartition() {
        return new TopicPartition(topic, partition);
    }
}
