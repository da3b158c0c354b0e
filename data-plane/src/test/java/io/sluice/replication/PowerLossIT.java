package io.sluice.replication;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sluice.metadata.image.PartitionRegistration;
import io.sluice.protocol.ErrorCode;
import io.sluice.protocol.rpc.ProducePartitionResponse;
import io.sluice.server.Node;
import io.sluice.server.TestCluster;
import io.sluice.server.TestWire;
import io.sluice.storage.SimulatedDisk;
import io.sluice.protocol.TopicPartition;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Power loss in a three-node cluster on {@link SimulatedDisk}s: with fsync before acknowledgement (the
 * default) no acknowledged record is lost when the nodes lose power; with {@code log.flush.policy=interval}
 * the same scenario loses acknowledged records, which proves the check can fail; a leader that lost
 * power comes back and truncates what only it had by leader epoch. Each test has its own cluster.
 */
@Timeout(240)
class PowerLossIT {
    private static final String TOPIC = "durable";
    private static final TopicPartition TP = new TopicPartition(TOPIC, 0);

    @Test
    void noAcknowledgedRecordIsLostWhenEveryNodeLosesPower() throws Exception {
        Set<String> lost = acknowledgedLostAfterEveryNodeLosesPower(Map.of());
        assertTrue(lost.isEmpty(), "acknowledged but lost: " + lost);
    }

    /** The negative control: page-cache durability acknowledges what a power cut takes. */
    @Test
    void withIntervalFlushTheSameScenarioFindsTheLoss() throws Exception {
        Set<String> lost = acknowledgedLostAfterEveryNodeLosesPower(
                Map.of("log.flush.policy", "interval", "flush.ms", "3600000"));
        assertFalse(lost.isEmpty(), "interval flushing lost nothing: the power-loss check cannot fail");
    }

    /**
     * Produces acks=all from a background thread, cuts the power of all three nodes (torn last pages
     * included) while it runs, restarts them and returns the acknowledged values missing afterwards.
     */
    private static Set<String> acknowledgedLostAfterEveryNodeLosesPower(Map<String, String> topicConfig)
            throws Exception {
        try (TestCluster cluster = TestCluster.startWithSimulatedDisks(3, Map.of()); TestWire wire = new TestWire()) {
            Map<String, String> config = new java.util.HashMap<>(topicConfig);
            config.put("min.insync.replicas", "2");
            assertEquals(ErrorCode.NONE, wire.createTopic(cluster.address(1), TOPIC, 1, 3, config).getError());
            int leader = awaitServingLeader(cluster, -1, 3);
            List<String> acknowledged = java.util.Collections.synchronizedList(new ArrayList<>());
            Thread producer = new Thread(() -> {
                for (int i = 0; ; i++) {
                    try {
                        ProducePartitionResponse r = wire.produce(cluster.address(leader), TOPIC, 0, -1, List.of("v" + i));
                        if (r.getError() == ErrorCode.NONE) {
                            acknowledged.add("v" + i);
                        }
                    } catch (Exception | AssertionError e) {
                        return; // the nodes are gone
                    }
                }
            });
            producer.start();
            TestCluster.await(Duration.ofSeconds(30), "50 acknowledged writes", () -> acknowledged.size() >= 50);
            cluster.powerLossAll(SimulatedDisk.Loss.TORN_TAIL, new Random(42));
            producer.join(30_000);
            assertFalse(producer.isAlive(), "the producer stopped once the nodes were gone");
            for (int id = 1; id <= 3; id++) {
                cluster.startNode(id);
            }
            cluster.awaitReady(Duration.ofSeconds(60));
            int newLeader = awaitServingLeader(cluster, -1, 2);
            awaitReplicasEqual(cluster);
            List<String> values = TestWire.values(cluster.node(newLeader).replicas().partition(TP).orElseThrow().log());
            Set<String> lost = new HashSet<>(acknowledged);
            values.forEach(lost::remove);
            assertEquals(values.size(), new HashSet<>(values).size(), "no value twice");
            return lost;
        }
    }

    @Test
    void aLeaderThatLostPowerTruncatesWhatOnlyItHadByLeaderEpoch() throws Exception {
        try (TestCluster cluster = TestCluster.startWithSimulatedDisks(3, Map.of()); TestWire wire = new TestWire()) {
            assertEquals(ErrorCode.NONE, wire.createTopic(cluster.address(1), TOPIC, 1, 3,
                    Map.of("min.insync.replicas", "2")).getError());
            int leader = awaitServingLeader(cluster, -1, 3);
            List<String> acknowledged = new ArrayList<>();
            for (int i = 0; i < 10; i++) {
                assertEquals(ErrorCode.NONE, wire.produce(cluster.address(leader), TOPIC, 0, -1, List.of("a" + i)).getError());
                acknowledged.add("a" + i);
            }
            // Hold the followers back, once their parked fetches have been answered, and write a tail only the
            // leader has (acks=1: fsynced there, so it survives the power cut).
            List<Integer> followers = new ArrayList<>(List.of(1, 2, 3));
            followers.remove(Integer.valueOf(leader));
            followers.forEach(f -> cluster.node(f).replicas().pauseFollowerFetching(true));
            TestCluster.await(Duration.ofSeconds(10), "no follower fetch parked at the leader",
                    () -> cluster.node(leader).replicas().fetchPurgatory().watched() == 0);
            for (int i = 0; i < 5; i++) {
                assertEquals(ErrorCode.NONE, wire.produce(cluster.address(leader), TOPIC, 0, 1, List.of("u" + i)).getError());
            }
            int oldEpoch = registration(cluster).leaderEpoch();
            cluster.powerLoss(leader, SimulatedDisk.Loss.TORN_TAIL, new Random(7));
            followers.forEach(f -> cluster.node(f).replicas().pauseFollowerFetching(false));

            int newLeader = awaitServingLeader(cluster, leader, 2);
            assertTrue(registration(cluster).leaderEpoch() > oldEpoch);
            for (int i = 0; i < 5; i++) {
                assertEquals(ErrorCode.NONE, wire.produce(cluster.address(newLeader), TOPIC, 0, -1, List.of("b" + i)).getError());
                acknowledged.add("b" + i);
            }
            cluster.startNode(leader);
            TestCluster.await(Duration.ofSeconds(60), "node " + leader + " back in the ISR",
                    () -> registration(cluster).isr().contains(leader));
            awaitReplicasEqual(cluster);
            List<String> onOldLeader = TestWire.values(cluster.node(leader).replicas().partition(TP).orElseThrow().log());
            assertEquals(acknowledged, onOldLeader, "the unreplicated u* tail is gone, the new epoch's b* took its place");
            for (int id = 1; id <= 3; id++) {
                assertEquals(onOldLeader, TestWire.values(cluster.node(id).replicas().partition(TP).orElseThrow().log()));
            }
        }
    }

    /**
     * The partition as the metadata leader sees it: a node that just restarted replays the metadata log
     * and shows old images for a while (an ISR that still holds it, say).
     */
    private static PartitionRegistration registration(TestCluster cluster) {
        var t = cluster.leader(Duration.ofSeconds(30)).metadata().image().topics().topic(TOPIC);
        return t == null ? null : t.partition(0);
    }

    /** Waits for a leader other than {@code not} that serves as leader, with at least {@code minIsr} in sync. */
    private static int awaitServingLeader(TestCluster cluster, int not, int minIsr) {
        TestCluster.await(Duration.ofSeconds(60), "a serving leader other than " + not, () -> {
            PartitionRegistration r = registration(cluster);
            return r != null && r.hasLeader() && r.leader() != not && r.isr().size() >= minIsr
                    && cluster.runningNodes().stream().anyMatch(n -> n.nodeId() == r.leader()
                            && n.replicas().partition(TP).map(Partition::isLeader).orElse(false));
        });
        return registration(cluster).leader();
    }

    /** Waits until every replica holds the same values and the leader's high watermark is at their end. */
    private static void awaitReplicasEqual(TestCluster cluster) {
        TestCluster.await(Duration.ofSeconds(60), "every replica equal to the leader up to its high watermark", () -> {
            Set<Long> ends = new HashSet<>();
            Set<List<String>> contents = new HashSet<>();
            for (Node n : cluster.runningNodes()) {
                var p = n.replicas().partition(TP);
                if (p.isEmpty()) {
                    return false;
                }
                ends.add(p.get().log().logEndOffset());
                if (p.get().isLeader()) {
                    ends.add(p.get().highWatermark());
                }
                try {
                    contents.add(TestWire.values(p.get().log()));
                } catch (Exception e) {
                    return false; // truncated while read: look again
                }
            }
            return ends.size() == 1 && contents.size() == 1;
        });
    }
}
