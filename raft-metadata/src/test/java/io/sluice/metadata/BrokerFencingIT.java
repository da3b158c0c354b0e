package io.sluice.metadata;

import io.sluice.metadata.image.MetadataImage;
import io.sluice.metadata.image.PartitionRegistration;
import io.sluice.metadata.image.TopicImage;
import io.sluice.protocol.ErrorCode;
import io.sluice.protocol.metadata.CreateTopicCommand;
import io.sluice.protocol.metadata.MetadataCommand;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Liveness end to end: registration, unfencing, fencing after missed heartbeats, failover grace, shutdown. */
class BrokerFencingIT {

    private static final long SESSION_MS = 1_500;
    private static final long HEARTBEAT_MS = 200;

    @TempDir
    Path dir;
    private MetadataTestCluster cluster;
    private final List<TestBroker> brokers = new ArrayList<>();

    @AfterEach
    void tearDown() {
        brokers.forEach(TestBroker::close);
        if (cluster != null) {
            cluster.close();
        }
    }

    private TestBroker broker(int id, long incarnation) {
        TestBroker broker = new TestBroker(cluster, id, incarnation, HEARTBEAT_MS);
        brokers.add(broker);
        return broker;
    }

    private void startClusterWithBrokers() throws Exception {
        cluster = MetadataTestCluster.start(dir, 3, b -> b.brokerSessionTimeoutMs(SESSION_MS));
        cluster.awaitLeader();
        for (int id = 1; id <= 3; id++) {
            broker(id, 1);
        }
        await().atMost(Duration.ofSeconds(30)).until(() -> allUnfenced(cluster.awaitLeader().image(), 3));
        CommandResult created = cluster.awaitLeader().submit(MetadataCommand.newBuilder().setCreateTopic(
                CreateTopicCommand.newBuilder().setName("t").setPartitions(6).setReplicationFactor(3)).build())
                .get(20, TimeUnit.SECONDS);
        assertEquals(ErrorCode.NONE, created.error(), created.message());
    }

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void silentBrokerIsFencedAndItsLeadershipMovesThenItsNewIncarnationComesBack() throws Exception {
        startClusterWithBrokers();
        MetadataImage before = cluster.awaitLeader().image();
        Map<Integer, PartitionRegistration> partitions = before.topics().topic("t").partitions();
        assertEquals(2, before.topics().partitionsLedBy(2), "leaders are balanced");

        brokers.get(1).close();

        await().atMost(Duration.ofSeconds(20)).until(() -> cluster.runningNodes().stream()
                .allMatch(n -> n.image().cluster().broker(2).fenced()));
        for (MetadataNode node : cluster.runningNodes()) {
            TopicImage topic = node.image().topics().topic("t");
            for (var entry : partitions.entrySet()) {
                PartitionRegistration now = topic.partition(entry.getKey());
                PartitionRegistration old = entry.getValue();
                assertNotEquals(2, now.leader());
                assertTrue(now.hasLeader());
                assertFalse(now.isr().contains(2));
                assertEquals(old.leader() == 2 ? old.leaderEpoch() + 1 : old.leaderEpoch(), now.leaderEpoch());
            }
            assertFalse(node.image().cluster().broker(1).fenced(), "live brokers stay unfenced");
        }

        long oldEpoch = before.cluster().broker(2).epoch();
        TestBroker restarted = broker(2, 2);
        await().atMost(Duration.ofSeconds(20)).until(() -> {
            var registration = cluster.awaitLeader().image().cluster().broker(2);
            return registration.incarnationId() == 2 && !registration.fenced();
        });
        assertTrue(restarted.epoch() > oldEpoch);
        assertEquals(restarted.epoch(), cluster.awaitLeader().image().cluster().broker(2).epoch());
    }

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void newControllerGivesEveryBrokerAFullSessionBeforeFencing() throws Exception {
        startClusterWithBrokers();
        MetadataNode oldLeader = cluster.awaitLeader();
        long term = oldLeader.leaderTerm();
        cluster.kill(oldLeader.nodeId());
        MetadataNode newLeader = cluster.awaitLeader();
        assertTrue(newLeader.leaderTerm() > term);
        // Every image the new controller applies from now on is seen: a fencing cannot slip between polls.
        List<Integer> fenced = new java.util.concurrent.CopyOnWriteArrayList<>();
        newLeader.subscribe((delta, image) -> image.cluster().brokers().values().stream()
                .filter(b -> b.fenced()).forEach(b -> fenced.add(b.id())));
        // Not a time window: the rule is that a broker heartbeating to the new controller is never
        // fenced, so wait until each broker had more than a session's worth of heartbeats answered by
        // it (a new controller without the grace fences at once, at its first expiry check).
        int perSession = (int) (SESSION_MS / HEARTBEAT_MS);
        Map<TestBroker, Integer> before = new java.util.HashMap<>();
        brokers.forEach(b -> before.put(b, b.heartbeatsAnswered()));
        await().atMost(Duration.ofSeconds(60)).until(() -> brokers.stream()
                .allMatch(b -> b.heartbeatsAnswered() >= before.get(b) + 2 * perSession));
        assertEquals(List.of(), fenced, "brokers fenced by the new controller although they kept heartbeating");
        assertTrue(allUnfenced(newLeader.image(), 3));
    }

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void controlledShutdownMovesLeadershipBeforeTheBrokerIsToldToStop() throws Exception {
        startClusterWithBrokers();
        TestBroker leaving = brokers.get(2);
        assertTrue(cluster.awaitLeader().image().topics().partitionsLedBy(3) > 0);

        leaving.requestShutdown();

        await().atMost(Duration.ofSeconds(20)).until(() -> leaving.lastResponse() != null
                && leaving.lastResponse().getShouldShutDown());
        MetadataImage image = cluster.awaitLeader().image();
        assertEquals(0, image.topics().partitionsLedBy(3));
        assertTrue(image.cluster().broker(3).inControlledShutdown());
        image.topics().topic("t").partitions().values().forEach(p -> assertTrue(p.hasLeader()));
    }

    private static boolean allUnfenced(MetadataImage image, int count) {
        return image.cluster().brokers().size() == count
                && image.cluster().brokers().values().stream().noneMatch(b -> b.fenced());
    }
}
