package io.sluice.replication;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sluice.metadata.image.PartitionRegistration;
import io.sluice.protocol.ErrorCode;
import io.sluice.protocol.rpc.ProducePartitionResponse;
import io.sluice.server.Node;
import io.sluice.server.TestCluster;
import io.sluice.server.TestWire;
import io.sluice.protocol.TopicPartition;
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

    private static int awaitLeader(TestCluster cluster, String topic, int not) {
        TestCluster.await(Duration.ofSeconds(30), "a serving leader other than " + not, () -> {
            PartitionRegistration r = registration(cluster, topic);
            return r != null && r.hasLeader() && r.leader() != not && cluster.runningNodes().stream()
                    .anyMatch(n -> n.nodeId() == r.leader() && n.replicas().partition(new TopicPartition(topic, 0))
                            .map(Partition::isLeader).orElse(false));
        });
        return registration(cluster, topic).leader();
    }

    @Test
    void aRetriedIdempotentBatchIsWrittenOnceAlsoAfterALeaderChange() throws Exception {
        try (TestCluster cluster = TestCluster.start(3); TestWire wire = new TestWire()) {
            String topic = "idempotent";
            wire.createTopic(cluster.address(1), topic, 1, 3, Map.of("min.insync.replicas", "2"));
            int leader = awaitLeader(cluster, topic, -1);
            java.nio.ByteBuffer first = TestWire.batch(List.of("p0", "p1"), new long[] {4242, 0});
            java.nio.ByteBuffer second = TestWire.batch(List.of("p2"), new long[] {4242, 2});

            ProducePartitionResponse a = wire.produce(cluster.address(leader), topic, 0, -1, first);
            ProducePartitionResponse retry = wire.produce(cluster.address(leader), topic, 0, -1, first);
            assertEquals(ErrorCode.NONE, retry.getError(), retry.getErrorMessage());
            assertEquals(a.getBaseOffset(), retry.getBaseOffset(), "the retry gets the first write's offset");
            awaitReplicasEqual(cluster, topic, Duration.ofSeconds(20));

            // The new leader knows the producer's sequences from the replicated batch headers.
            cluster.killNode(leader);
            int newLeader = awaitLeader(cluster, topic, leader);
            ProducePartitionResponse again = wire.produce(cluster.address(newLeader), topic, 0, -1, first);
            assertEquals(ErrorCode.NONE, again.getError(), again.getErrorMessage());
            assertEquals(a.getBaseOffset(), again.getBaseOffset());
            ProducePartitionResponse next = wire.produce(cluster.address(newLeader), topic, 0, -1, second);
            assertEquals(ErrorCode.NONE, next.getError(), next.getErrorMessage());
            ProducePartitionResponse gap = wire.produce(cluster.address(newLeader), topic, 0, -1,
                    TestWire.batch(List.of("p9"), new long[] {4242, 9}));
            assertEquals(ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER, gap.getError());

            List<String> values = wire.readAll(cluster.address(newLeader), topic, 0).stream()
                    .map(TestWire.Read::value).toList();
            assertEquals(List.of("p0", "p1", "p2"), values);
        }
    }

    @Test
    void aFormerLeadersUnreplicatedTailIsTruncatedNotMerged() throws Exception {
        try (TestCluster cluster = TestCluster.start(3); TestWire wire = new TestWire()) {
            String topic = "diverge";
            wire.createTopic(cluster.address(1), topic, 1, 3, Map.of("min.insync.replicas", "1"));
            int leader = awaitLeader(cluster, topic, -1);
            for (int i = 0; i < 5; i++) {
                assertEquals(ErrorCode.NONE, wire.produce(cluster.address(leader), topic, 0, -1, List.of("a" + i)).getError());
            }
            awaitReplicasEqual(cluster, topic, Duration.ofSeconds(20));

            // Followers stop fetching; the leader takes acks=1 writes nobody else gets.
            for (Node n : cluster.runningNodes()) {
                if (n.nodeId() != leader) {
                    n.replicas().pauseFollowerFetching(true);
                }
            }
            List<String> xs = List.of("x0", "x1", "x2", "x3", "x4");
            for (String x : xs) {
                assertEquals(ErrorCode.NONE, wire.produce(cluster.address(leader), topic, 0, 1, List.of(x)).getError());
            }
            cluster.killNode(leader);
            for (Node n : cluster.runningNodes()) {
                n.replicas().pauseFollowerFetching(false);
            }
            int newLeader = awaitLeader(cluster, topic, leader);
            List<String> bs = List.of("b0", "b1", "b2", "b3");
            for (String b : bs) {
                assertEquals(ErrorCode.NONE, wire.produce(cluster.address(newLeader), topic, 0, -1, List.of(b)).getError());
            }

            // The old leader comes back as a follower and must end up with exactly the new leader's log.
            cluster.startNode(leader);
            awaitReplicasEqual(cluster, topic, Duration.ofSeconds(60));
            List<String> log = wire.readAll(cluster.address(newLeader), topic, 0).stream()
                    .map(TestWire.Read::value).toList();
            // A fetch already parked when the followers were paused may have carried the first x's over;
            // the rest existed only on the old leader and must be gone.
            int kept = log.size() - 5 - bs.size();
            assertTrue(kept >= 0 && kept < xs.size(), "some x's were only on the old leader: " + log);
            assertEquals(List.of("a0", "a1", "a2", "a3", "a4"), log.subList(0, 5));
            assertEquals(xs.subList(0, kept), log.subList(5, 5 + kept));
            assertEquals(bs, log.subList(5 + kept, log.size()));
            // Equal end offsets do not prove the old leader truncated yet (its tail can be as long as
            // the new leader's log): wait for its content to become the leader's.
            TestCluster.await(Duration.ofSeconds(30), "the old leader's log equal to " + log, () -> {
                try {
                    return log.equals(TestWire.values(cluster.node(leader).replicas()
                            .partition(new TopicPartition(topic, 0)).orElseThrow().log()));
                } catch (Exception e) {
                    return false;
                }
            });
        }
    }

    @Test
    void aTopicCreatedAgainUnderTheSameNameStartsEmptyOnEveryReplica() throws Exception {
        try (TestCluster cluster = TestCluster.start(3); TestWire wire = new TestWire()) {
            String topic = "reborn";
            List<String> old = new ArrayList<>();
            for (int i = 0; i < 40; i++) {
                old.add("old" + i);
            }
            // Deleted and at once created again while every node is up.
            wire.createTopic(cluster.address(1), topic, 1, 3, Map.of());
            int leader = awaitLeader(cluster, topic, -1);
            assertEquals(ErrorCode.NONE, wire.produce(cluster.address(leader), topic, 0, -1, old).getError());
            awaitReplicasEqual(cluster, topic, Duration.ofSeconds(20));
            assertEquals(ErrorCode.NONE, wire.deleteTopic(cluster.address(1), topic).getError());
            assertEquals(ErrorCode.NONE, wire.createTopic(cluster.address(1), topic, 1, 3, Map.of()).getError());
            leader = awaitLeader(cluster, topic, -1);
            assertEquals(ErrorCode.NONE, wire.produce(cluster.address(leader), topic, 0, -1, List.of("new0")).getError());
            awaitReplicasEqual(cluster, topic, Duration.ofSeconds(30));
            for (Node n : cluster.runningNodes()) {
                var log = n.replicas().partition(new TopicPartition(topic, 0)).orElseThrow().log();
                assertEquals(List.of("new0"), TestWire.values(log), "node " + n.nodeId());
            }

            // Deleted while a replica's node is down: that node drops the stray log when it is back.
            int absent = leader % 3 + 1;
            cluster.stopNode(absent);
            int up = absent % 3 + 1;
            assertEquals(ErrorCode.NONE, wire.deleteTopic(cluster.address(up), topic).getError());
            cluster.startNode(absent);
            cluster.awaitReady(Duration.ofSeconds(60));
            TestCluster.await(Duration.ofSeconds(30), "the stray log gone from node " + absent,
                    () -> cluster.node(absent).replicas().partition(new TopicPartition(topic, 0)).isEmpty()
                            && !java.nio.file.Files.exists(cluster.node(absent).config().logsDir().resolve(topic + "-0")));
        }
    }

    @Test
    void refusesAcksAllWhenTheIsrIsBelowMinimum() throws Exception {
        try (TestCluster cluster = TestCluster.start(3); TestWire wire = new TestWire()) {
            String topic = "guarded";
            TopicPartition tp = new TopicPartition(topic, 0);
            // min.insync.replicas=3: one follower gone puts the ISR below it while the quorum still works.
            wire.createTopic(cluster.address(1), topic, 1, 3, Map.of("min.insync.replicas", "3"));
            int leader = awaitLeader(cluster, topic, -1);
            int follower = leader % 3 + 1;
            cluster.killNode(follower);
            TestCluster.await(Duration.ofSeconds(30), "the leader serving with an ISR of 2", () -> cluster.node(leader)
                    .replicas().partition(tp).map(p -> p.isLeader() && p.isr().size() == 2).orElse(false));
            long end = cluster.node(leader).replicas().partition(tp).orElseThrow().log().logEndOffset();

            ProducePartitionResponse r = wire.produce(cluster.address(leader), topic, 0, -1, List.of("x"));
            assertEquals(ErrorCode.NOT_ENOUGH_REPLICAS, r.getError(), r.getErrorMessage());
            assertEquals(end, cluster.node(leader).replicas().partition(tp).orElseThrow().log().logEndOffset(),
                    "a refused write is not appended");
            // The minimum guards acks=all only.
            assertEquals(ErrorCode.NONE, wire.produce(cluster.address(leader), topic, 0, 1, List.of("y")).getError());
        }
    }

    @Test
    void aLeaderCutOffFromItsFollowersAcknowledgesNothingOnceTheyLeaveTheIsr() throws Exception {
        try (TestCluster cluster = TestCluster.start(3, Map.of("replica.lag.time.max.ms", "1500"));
             TestWire wire = new TestWire()) {
            String topic = "cut-off";
            wire.createTopic(cluster.address(1), topic, 1, 3, Map.of("min.insync.replicas", "2"));
            TestCluster.await(Duration.ofSeconds(30), "a serving leader with a full ISR", () -> {
                PartitionRegistration r = registration(cluster, topic);
                return r != null && r.hasLeader() && r.isr().size() == 3 && cluster.node(r.leader()).replicas()
                        .partition(new TopicPartition(topic, 0)).map(Partition::isLeader).orElse(false);
            });
            int leader = registration(cluster, topic).leader();
            assertEquals(ErrorCode.NONE, wire.produce(cluster.address(leader), topic, 0, -1, List.of("a0")).getError());

            // The followers can no longer reach the leader (their fetches stop); the leader still reaches
            // the metadata quorum, so it shrinks the ISR to itself.
            for (Node n : cluster.runningNodes()) {
                if (n.nodeId() != leader) {
                    n.replicas().pauseFollowerFetching(true);
                }
            }
            ProducePartitionResponse during = wire.produce(cluster.address(leader), topic, 0, -1, List.of("b0"));
            assertTrue(during.getError() == ErrorCode.NOT_ENOUGH_REPLICAS_AFTER_APPEND
                            || during.getError() == ErrorCode.REQUEST_TIMED_OUT,
                    "a write the followers never copied is not acknowledged: " + during.getError());
            TestCluster.await(Duration.ofSeconds(30), "the ISR shrunk to the leader alone",
                    () -> registration(cluster, topic).isr().equals(List.of(leader)));
            ProducePartitionResponse after = wire.produce(cluster.address(leader), topic, 0, -1, List.of("c0"));
            assertEquals(ErrorCode.NOT_ENOUGH_REPLICAS, after.getError(), after.getErrorMessage());

            // Reconnected, the followers catch up, rejoin the ISR, and acks=all writes are taken again.
            for (Node n : cluster.runningNodes()) {
                n.replicas().pauseFollowerFetching(false);
            }
            TestCluster.await(Duration.ofSeconds(30), "the followers back in the ISR",
                    () -> registration(cluster, topic).isr().size() == 3);
            assertEquals(ErrorCode.NONE, wire.produce(cluster.address(leader), topic, 0, -1, List.of("d0")).getError());
        }
    }
}
