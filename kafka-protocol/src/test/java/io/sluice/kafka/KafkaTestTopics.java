package io.sluice.kafka;

import io.sluice.metadata.CommandResult;
import io.sluice.metadata.image.PartitionRegistration;
import io.sluice.metadata.image.TopicImage;
import io.sluice.protocol.metadata.CreateTopicCommand;
import io.sluice.protocol.metadata.MetadataCommand;
import io.sluice.server.Node;
import io.sluice.server.TestCluster;
import io.sluice.protocol.TopicPartition;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Topics for the Kafka-protocol tests, created through the metadata quorum (the Kafka admin APIs are
 * another module's work), and the partition leaders as the cluster sees them.
 */
final class KafkaTestTopics {
    private KafkaTestTopics() {
    }

    /** Creates the topic and waits until every partition's leader serves it. */
    static void create(TestCluster cluster, String name, int partitions, int replicationFactor,
                       Map<String, String> configs) throws Exception {
        Node any = cluster.runningNodes().get(0);
        MetadataCommand command = MetadataCommand.newBuilder()
                .setCreateTopic(CreateTopicCommand.newBuilder().setName(name).setPartitions(partitions)
                        .setReplicationFactor(replicationFactor).putAllConfigs(configs))
                .build();
        CommandResult result = any.metadata().submit(command).get(30, TimeUnit.SECONDS);
        if (!result.isSuccess()) {
            throw new AssertionError("creating " + name + " failed: " + result.error() + " " + result.message());
        }
        TestCluster.await(Duration.ofSeconds(30), "leaders of every partition of " + name, () -> {
            for (int p = 0; p < partitions; p++) {
                if (leader(cluster, new TopicPartition(name, p)) < 0) {
                    return false;
                }
            }
            return true;
        });
    }

    /** The node that leads {@code tp} and knows it, or -1. */
    static int leader(TestCluster cluster, TopicPartition tp) {
        for (Node node : cluster.runningNodes()) {
            TopicImage topic = node.metadata().image().topics().topic(tp.topic());
            PartitionRegistration reg = topic == null ? null : topic.partition(tp.partition());
            if (reg != null && reg.leader() == node.nodeId()
                    && node.replicas().partition(tp).map(p -> p.isLeader()).orElse(false)) {
                return node.nodeId();
            }
        }
        return -1;
    }
}
