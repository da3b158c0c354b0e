package io.sluice.kafka;

import io.sluice.server.Node;
import io.sluice.server.TestCluster;
import io.sluice.protocol.TopicPartition;
import java.io.IOException;
import java.util.Map;

/**
 * A one-node cluster with one single-partition topic and no automatic topic creation, for the tests
 * that speak Kafka's protocol by hand and then look at the log itself.
 */
final class OneNode implements AutoCloseable {
    private final TestCluster cluster;
    private final Node node;

    private OneNode(TestCluster cluster) {
        this.cluster = cluster;
        this.node = cluster.runningNodes().get(0);
    }

    static OneNode start(String topic) throws Exception {
        OneNode one = new OneNode(TestCluster.start(1, Map.of("auto.create.topics.enable", "false")));
        try {
            KafkaTestTopics.create(one.cluster, topic, 1, 1, Map.of());
        } catch (Exception | AssertionError e) {
            one.close();
            throw e;
        }
        return one;
    }

    Node node() {
        return node;
    }

    /** The log end offset of the partition on this node. */
    long logEnd(TopicPartition tp) {
        return node.replicas().partition(tp).orElseThrow().log().logEndOffset();
    }

    KafkaWire wire() throws IOException {
        return new KafkaWire(cluster.address(node.nodeId()));
    }

    @Override
    public void close() {
        cluster.close();
    }
}
