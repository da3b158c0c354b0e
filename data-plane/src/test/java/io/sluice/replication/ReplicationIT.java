package io.sluice.replication;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sluice.metadata.image.PartitionRegistration;
import io.sluice.protocol.ErrorCode;
import io.sluice.protocol.rpc.ProducePartitionResponse;
import io.sluice.server.Node;
import io.sluice.server.TestCluster;
import io.sluice.server.TestWire;
import io.sluice.storage.TopicPartition;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Replication factor 3 on a three-node cluster: acknowledged writes survive leader loss; min ISR holds. */
@Timeout(240)
class ReplicationIT {
    private static PartitionRegistration registration(TestCluster cluster, String topic) {
        Node any = cluster.runningNodes().get(0);
        var t = any.metadata().image().topics().topic(topic);
        return t == null ? null : t.partition(0);
    }

    private static void awaitReplicasEqual(TestCluster cluster, String topic, Duration timeout) {
        TopicPartition tp = new TopicPartition(topic, 0);
        TestCluster.await(timeout, "every running replica at the same end offset as the leader's high watermark", () -> {
            Set<Long> ends = new HashSet<>();
            for (Node n : cluster.runningNodes()) {
                var p = n.replicas().partition(tp);
                if (p.isEmpty()) {
                    return false;
                }
                ends.add(p.get().log().logEndOffset());
                if (p.get().isLeader()) {
                    ends.add(p.get().highWatermark());
                }
            }
            return ends.size() == 1;
        });
    }

    @Test
    void acknowledgedWritesSurviveTheLeadersDeathExactlyOnce() throws Exception {
        try (TestCluster cluster = TestCluster.start(3); TestWire wire = new TestWire()) {
            String topic = "replicated";
            assertEquals(ErrorCode.NONE, wire.createTopic(cluster.address(1), topic, 1, 3,
                    Map.of("min.insync.replicas", "2")).getError());
            TestCluster.await(Duration.ofSeconds(30), "a leader with a full ISR", () -> {
                PartitionRegistration r = registration(cluster, topic);
                return r != null && r.hasLeader() && r.isr().size() == 3
                        && cluster.node(r.leader()).replicas().partition(new TopicPartition(topic, 0))
                        .map(Partition::isLeader).orElse(false);
            });

            List<String> acknowledged = new ArrayList<>();
            int leader = registration(cluster, topic).leader();
            for (int i = 0; i < 20; i++) {
                List<String> values = List.of("a" + i + "-0", "a" + i + "-1", "a" + i + "-2");
                ProducePartitionResponse r = wire.produce(cluster.address(leader), topic, 0, -1, values);
                assertEquals(ErrorCode.NONE, r.getError(), r.getErrorMessage());
                assertEquals(i * 3L, r.getBaseOffset());
                acknowledged.addAll(values);
            }
            awaitReplicasEqual(cluster, topic, Duration.ofSeconds(20));

            cluster.killNode(leader);
            TestCluster.await(Duration.ofSeconds(30), "a new leader from the ISR", () -> {
                PartitionRegistration r = registration(cluster, topic);
                return r != null && r.hasLeader() && r.leader() != leader
                        && cluster.node(r.leader()).replicas().partition(new TopicPartition(topic, 0))
                        .map(Partition::isLeader).orElse(false);
            });
            int newLeader = registration(cluster, topic).leader();
            for (int i = 0; i < 10; i++) {
                List<String> values = List.of("b" + i);
                ProducePartitionResponse r = wire.produce(cluster.address(newLeader), topic, 0, -1, values);
                assertEquals(ErrorCode.NONE, r.getError(), r.getErrorMessage());
                acknowledged.addAll(values);
            }

            List<TestWire.Read> read = wire.readAll(cluster.address(newLeader), topic, 0);
            List<String> values = read.stream().map(TestWire.Read::value).toList();
            assertEquals(acknowledged, values, "every acknowledged value once, in order");
            for (int i = 0; i < read.size(); i++) {
                assertEquals(i, read.get(i).offset());
            }

            // The old leader comes back, catches up and rejoins the ISR.
            cluster.startNode(leader);
            TestCluster.await(Duration.ofSeconds(60), "node " + leader + " back in the ISR",
                    () -> registration(cluster, topic).isr().contains(leader));
            awaitReplicasEqual(cluster, topic, Duration.ofSeconds(30));

            // Once in sync, leadership returns to the preferred (first) replica.
            TestCluster.await(Duration.ofSeconds(30), "leadership back on preferred replica " + leader,
                    () -> registration(cluster, topic).leader() == leader);
        }
    }

    @Test
    void controlledShutdownMovesLeadershipBeforeTheNodeStops() throws Exception {
        try (TestCluster cluster = TestCluster.start(3); TestWire wire = new TestWire()) {
            String topic = "handover";
            wire.createTopic(cluster.address(1), topic, 1, 3, Map.of("min.insync.replicas", "2"));
            TestCluster.await(Duration.ofSeconds(30), "a leader with a full ISR", () -> {
                PartitionRegistration r = registration(cluster, topic);
                return r != null && r.hasLeader() && r.isr().size() == 3;
            });
            int leader = registration(cluster, topic).leader();
            cluster.stopNode(leader);
            // The handover happened before stopNode returned, not later through fencing.
            PartitionRegistration after = registration(cluster, topic);
            assertTrue(after.hasLeader() && after.leader() != leader, "leader after shutdown: " + after.leader());
        }
    }

    @Test
    void refusesAcksAllWhenTheIsrIsBelowMinimum() throws Exception {
        try (TestCluster cluster = TestCluster.start(3); TestWire wire = new TestWire()) {
            String topic = "guarded";
            wire.createTopic(cluster.address(1), topic, 1, 3, Map.of("min.insync.replicas", "2"));
            TestCluster.await(Duration.ofSeconds(30), "a leader", () -> {
                PartitionRegistration r = registration(cluster, topic);
                return r != null && r.hasLeader() && cluster.node(r.leader()).replicas()
                        .partition(new TopicPartition(topic, 0)).map(Partition::isLeader).orElse(false);
            });
            int leader = registration(cluster, topic).leader();
            for (int id = 1; id <= 3; id++) {
                if (id != leader) {
                    cluster.killNode(id);
                }
            }
            // Without a quorum nothing can change the ISR, so it stays at 3 and writes wait, then time out.
            ProducePartitionResponse r = wire.produce(cluster.address(leader), topic, 0, -1, List.of("x"));
            assertTrue(r.getError() == ErrorCode.REQUEST_TIMED_OUT || r.getError() == ErrorCode.NOT_ENOUGH_REPLICAS,
                    r.getError() + ": " + r.getErrorMessage());
        }
    }
}
