package io.sluice.client.admin;

import java.util.Map;

/**
 * A topic to create. -1 for partitions or replication factor means the broker's default.
 *
 * @param name topic name
 * @param numPartitions partition count, or -1
 * @param replicationFactor replicas per partition, or -1
 * @param configs topic-level config overrides
 */
public record NewTopic(String name, int numPartitions, int replicationFactor, Map<String, String> configs) {
    public NewTopic {
        configs = Map.copyOf(configs);
    }

    public NewTopic(String name, int numPartitions, int replicationFactor) {
        this(name, numPartitions, replicationFactor, Map.of());
    }
}
