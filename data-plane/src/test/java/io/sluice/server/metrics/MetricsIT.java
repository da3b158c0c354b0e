package io.sluice.server.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.channel.EventLoopGroup;
import io.sluice.metadata.image.PartitionRegistration;
import io.sluice.protocol.ErrorCode;
import io.sluice.protocol.TopicPartition;
import io.sluice.protocol.rpc.AlterGroupOffsetsRequest;
import io.sluice.protocol.rpc.AlterGroupOffsetsResponse;
import io.sluice.protocol.rpc.ApiKey;
import io.sluice.protocol.rpc.FindCoordinatorRequest;
import io.sluice.protocol.rpc.FindCoordinatorResponse;
import io.sluice.protocol.rpc.OffsetCommitPartition;
import io.sluice.protocol.wire.Frames;
import io.sluice.protocol.wire.Transport;
import io.sluice.server.Node;
import io.sluice.network.NodeClient;
import io.sluice.server.TestCluster;
import io.sluice.server.TestWire;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Scrapes {@code /metrics} of every node of a three-node cluster while records are produced,
 * consumed and committed, and a follower dies and comes back: the figures move as they must (bytes in
 * grows, lag falls to 0 once the group commits the end, under-replicated partitions goes to 1 and
 * back to 0), and every metric the Grafana dashboard in {@code deploy/} uses is served.
 */
@Timeout(240)
class MetricsIT {
    private static final String TOPIC = "metered";
    private static final String GROUP = "metered-readers";
    private static final Path DASHBOARD = Path.of("..", "deploy", "grafana", "sluice-dashboard.json");

    @Test
    void nodesServeMetricsThatMoveWithTheLoadAndCoverTheDashboard() throws Exception {
        EventLoopGroup loop = Transport.newGroup(1, "metrics-it");
        try (TestCluster cluster = TestCluster.start(3, Map.of("replica.lag.time.max.ms", "1000"));
             TestWire wire = new TestWire();
             NodeClient client = new NodeClient(loop, "metrics-it", 2_000, Frames.DEFAULT_MAX_FRAME_BYTES)) {
            cluster.awaitReady(Duration.ofSeconds(60));
            for (Node n : cluster.runningNodes()) {
                assertNotNull(n.metricsAddress(), "node " + n.nodeId() + " serves metrics");
                assertTrue(MetricsText.scrape(n.metricsAddress()).has("sluice_raft_term"));
            }
            assertEquals(ErrorCode.NONE, wire.createTopic(cluster.address(1), TOPIC, 1, 3,
                    Map.of("min.insync.replicas", "2")).getError());
            int leader = awaitFullIsr(cluster);
            Node leaderNode = cluster.node(leader);

            for (int i = 0; i < 10; i++) {
                assertEquals(ErrorCode.NONE, wire.produce(cluster.address(leader), TOPIC, 0, -1,
                        List.of("v" + i + "a", "v" + i + "b", "v" + i + "c")).getError());
            }
            MetricsText afterProduce = MetricsText.scrape(leaderNode.metricsAddress());
            assertTrue(afterProduce.valueOrZero("sluice_topic_bytes_in_total", "topic", TOPIC) > 0);
            assertEquals(30, afterProduce.valueOrZero("sluice_topic_records_in_total", "topic", TOPIC));
            assertEquals(30, afterProduce.valueOrZero("sluice_partition_high_watermark", "topic", TOPIC,
                    "partition", "0"));
            assertTrue(afterProduce.valueOrZero("sluice_request_duration_seconds_count", "protocol", "sluice",
                    "api", "produce") >= 10);
            assertTrue(afterProduce.valueOrZero("sluice_produce_ack_latency_seconds_count", "acks", "all") >= 10);
            assertTrue(afterProduce.valueOrZero("sluice_log_flush_duration_seconds_count") > 0);
            assertTrue(afterProduce.valueOrZero("sluice_connections", "protocol", "sluice") >= 1);

            assertEquals(30, wire.readAll(cluster.address(leader), TOPIC, 0).size());
            assertTrue(MetricsText.scrape(leaderNode.metricsAddress())
                    .valueOrZero("sluice_topic_bytes_out_total", "topic", TOPIC) > 0);

            commit(client, cluster, 10);
            awaitMetric(leaderNode, "sluice_group_lag", 20, "group", GROUP, "topic", TOPIC, "partition", "0");
            commit(client, cluster, 30);
            awaitMetric(leaderNode, "sluice_group_lag", 0, "group", GROUP, "topic", TOPIC, "partition", "0");

            int follower = leader % 3 + 1;
            cluster.killNode(follower);
            awaitMetric(leaderNode, "sluice_replica_under_replicated_partitions", 1);
            assertTrue(MetricsText.scrape(leaderNode.metricsAddress()).valueOrZero("sluice_replica_isr_shrinks_total") >= 1);
            cluster.startNode(follower);
            awaitMetric(leaderNode, "sluice_replica_under_replicated_partitions", 0);
            assertTrue(MetricsText.scrape(leaderNode.metricsAddress()).valueOrZero("sluice_replica_isr_expands_total") >= 1);

            assertDashboardServed(cluster);
        } finally {
            loop.shutdownGracefully(0, 1, TimeUnit.SECONDS);
        }
    }

    private static int awaitFullIsr(TestCluster cluster) {
        TestCluster.await(Duration.ofSeconds(30), "a leader of " + TOPIC + " with a full ISR", () -> {
            var topic = cluster.runningNodes().get(0).metadata().image().topics().topic(TOPIC);
            PartitionRegistration r = topic == null ? null : topic.partition(0);
            return r != null && r.hasLeader() && r.isr().size() == 3 && cluster.node(r.leader()).replicas()
                    .partition(new TopicPartition(TOPIC, 0)).map(p -> p.isLeader()).orElse(false);
        });
        return cluster.runningNodes().get(0).metadata().image().topics().topic(TOPIC).partition(0).leader();
    }

    /** Sets the group's committed offset through its coordinator (a group without members may be reset). */
    private static void commit(NodeClient client, TestCluster cluster, long offset) throws Exception {
        FindCoordinatorResponse found = client.call(cluster.address(1), ApiKey.FIND_COORDINATOR,
                FindCoordinatorRequest.newBuilder().setGroupId(GROUP).build(), FindCoordinatorResponse.parser(), 10_000)
                .get(15, TimeUnit.SECONDS);
        assertEquals(ErrorCode.NONE, found.getError(), found.getErrorMessage());
        AlterGroupOffsetsResponse r = client.call(cluster.address(found.getNodeId()), ApiKey.ALTER_GROUP_OFFSETS,
                AlterGroupOffsetsRequest.newBuilder().setGroupId(GROUP).addPartitions(OffsetCommitPartition.newBuilder()
                        .setTopic(TOPIC).setPartition(0).setOffset(offset)).build(),
                AlterGroupOffsetsResponse.parser(), 10_000).get(15, TimeUnit.SECONDS);
        assertEquals(ErrorCode.NONE, r.getError(), r.getErrorMessage());
        assertEquals(ErrorCode.NONE, r.getPartitions(0).getError(), r.getPartitions(0).getErrorMessage());
    }

    private static void awaitMetric(Node node, String name, double expected, String... labels) {
        TestCluster.await(Duration.ofSeconds(60), name + " " + List.of(labels) + " = " + expected + " on node "
                + node.nodeId(), () -> {
            try {
                var v = MetricsText.scrape(node.metricsAddress()).value(name, labels);
                return v.isPresent() && v.getAsDouble() == expected;
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
    }

    /** Every metric name in the dashboard's queries is served by at least one running node. */
    private static void assertDashboardServed(TestCluster cluster) throws Exception {
        Set<String> used = dashboardMetrics(Files.readString(DASHBOARD));
        assertTrue(used.size() > 20, "the dashboard's queries name metrics: " + used);
        Set<String> served = new TreeSet<>();
        for (Node n : cluster.runningNodes()) {
            MetricsText.scrape(n.metricsAddress()).samples().forEach(s -> served.add(s.name()));
        }
        Set<String> missing = new TreeSet<>(used);
        missing.removeAll(served);
        assertEquals(Set.of(), missing, "metrics the dashboard uses that no node serves");
    }

    /** Metric names in the dashboard's PromQL expressions (ours, the JVM's and the process's). */
    static Set<String> dashboardMetrics(String json) {
        Set<String> names = new TreeSet<>();
        Matcher expr = Pattern.compile("\"expr\"\\s*:\\s*\"((?:[^\"\\\\]|\\\\.)*)\"").matcher(json);
        while (expr.find()) {
            Matcher name = Pattern.compile("\\b((?:sluice|jvm|process)_[a-z0-9_]+)").matcher(expr.group(1));
            while (name.find()) {
                names.add(name.group(1));
            }
        }
        return names;
    }
}
