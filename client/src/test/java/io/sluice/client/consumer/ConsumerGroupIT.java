package io.sluice.client.consumer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sluice.client.Deserializer;
import io.sluice.client.Serializer;
import io.sluice.protocol.TopicPartition;
import io.sluice.client.admin.Admin;
import io.sluice.client.admin.ConsumerGroupDescription;
import io.sluice.client.admin.NewTopic;
import io.sluice.client.admin.TopicDescription;
import io.sluice.client.producer.Producer;
import io.sluice.client.producer.ProducerRecord;
import io.sluice.protocol.ErrorCode;
import io.sluice.protocol.SluiceException;
import io.sluice.server.TestCluster;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Consumer groups end to end on an in-process three-node cluster: splitting, rebalancing without two
 * readers of one partition, take-over from committed offsets after a member dies, the coordinator
 * dying, offset resets and bad input.
 */
@Timeout(value = 240, unit = TimeUnit.SECONDS)
class ConsumerGroupIT {
    private static final int PER_PARTITION = 40;
    private static TestCluster cluster;
    private static Admin admin;

    @BeforeAll
    static void start() throws Exception {
        cluster = TestCluster.start(3);
        admin = Admin.create(Map.of("bootstrap.servers", cluster.bootstrapServers()));
    }

    @AfterAll
    static void stop() {
        if (admin != null) {
            admin.close();
        }
        if (cluster != null) {
            cluster.close();
        }
    }

    private static Map<String, Object> props(String group, Object... pairs) {
        Map<String, Object> props = new HashMap<>();
        props.put("bootstrap.servers", cluster.bootstrapServers());
        props.put("group.id", group);
        props.put("auto.offset.reset", "earliest");
        props.put("enable.auto.commit", false);
        props.put("session.timeout.ms", 2_000);
        props.put("heartbeat.interval.ms", 200);
        props.put("request.timeout.ms", 3_000);
        props.put("default.api.timeout.ms", 20_000);
        for (int i = 0; i < pairs.length; i += 2) {
            props.put((String) pairs[i], pairs[i + 1]);
        }
        return props;
    }

    private static void createTopic(String name, int partitions) throws Exception {
        admin.createTopics(List.of(new NewTopic(name, partitions, 3))).get(30, TimeUnit.SECONDS);
        TestCluster.await(Duration.ofSeconds(30), "leaders of " + name, () -> {
            try {
                TopicDescription d = admin.describeTopics(List.of(name)).get().get(name);
                return d.partitions().size() == partitions && d.partitions().stream().allMatch(p -> p.leader() >= 0);
            } catch (Exception e) {
                return false;
            }
        });
    }

    private static void produce(String topic, int partitions, int perPartition) throws Exception {
        Map<String, Object> p = new HashMap<>();
        p.put("bootstrap.servers", cluster.bootstrapServers());
        try (Producer<String, String> producer = new Producer<>(p, Serializer.STRING, Serializer.STRING)) {
            for (int i = 0; i < perPartition; i++) {
                for (int part = 0; part < partitions; part++) {
                    producer.send(new ProducerRecord<>(topic, part, "k", "v" + i));
                }
            }
            producer.flush();
        }
    }

    /** Every offset below {@code perPartition} of every partition was read by someone: nothing skipped. */
    private static boolean allRead(List<GroupMemberRunner.Read> reads, String topic, int partitions, int perPartition) {
        Map<Integer, Set<Long>> seen = new HashMap<>();
        for (GroupMemberRunner.Read r : reads) {
            seen.computeIfAbsent(r.tp().partition(), k -> new TreeSet<>()).add(r.offset());
        }
        for (int p = 0; p < partitions; p++) {
            if (seen.getOrDefault(p, Set.of()).size() < perPartition) {
                return false;
            }
        }
        return true;
    }

    /**
     * Waits until every offset below {@code perPartition} was read, failing at once with the cause when
     * a member's thread died (it would never read again).
     */
    private static void awaitRead(List<GroupMemberRunner> members, List<GroupMemberRunner.Read> reads, String topic,
                                  int partitions, int perPartition) {
        TestCluster.await(Duration.ofSeconds(90), perPartition + " records of each partition of " + topic + " read", () -> {
            for (GroupMemberRunner m : members) {
                if (m.failure() != null) {
                    throw new AssertionError(m.name() + " stopped reading: " + m.failure(), m.failure());
                }
            }
            return allRead(reads, topic, partitions, perPartition);
        });
    }

    private static void awaitSplit(List<GroupMemberRunner> members, int partitions) {
        TestCluster.await(Duration.ofSeconds(60), "the partitions split over " + members.size() + " members", () -> {
            int total = 0;
            for (GroupMemberRunner m : members) {
                int n = m.owned().size();
                if (n < partitions / members.size()) {
                    return false;
                }
                total += n;
            }
            return total == partitions;
        });
    }

    private static void awaitCommitted(String group, int partitions, long offset) {
        TestCluster.await(Duration.ofSeconds(30), "every partition of " + group + " committed at " + offset, () -> {
            try {
                Map<TopicPartition, OffsetAndMetadata> c = admin.listConsumerGroupOffsets(group).get();
                return c.size() == partitions && c.values().stream().allMatch(o -> o.offset() == offset);
            } catch (Exception e) {
                return false;
            }
        });
    }

    private static void assertHealthy(List<String> violations, List<GroupMemberRunner> members) {
        assertEquals(List.of(), violations);
        for (GroupMemberRunner m : members) {
            assertNull(m.failure(), () -> m.name() + " failed: " + m.failure());
        }
    }

    @Test
    void membersSplitRebalanceWithoutOverlapAndTakeOverFromCommittedOffsets() throws Exception {
        String topic = "split";
        createTopic(topic, 6);
        produce(topic, 6, PER_PARTITION);
        GroupMemberRunner.Owners owners = new GroupMemberRunner.Owners();
        List<String> violations = GroupMemberRunner.newViolationLog();
        List<GroupMemberRunner.Read> reads = GroupMemberRunner.newReadLog();
        GroupMemberRunner a = new GroupMemberRunner("a", topic, props("g-split"), owners, violations, reads);
        GroupMemberRunner b = new GroupMemberRunner("b", topic, props("g-split"), owners, violations, reads);
        List<GroupMemberRunner> members = new ArrayList<>(List.of(a, b));
        GroupMemberRunner c = null;
        try {
            awaitSplit(members, 6);
            assertEquals(3, a.owned().size());
            awaitRead(members, reads, topic, 6, PER_PARTITION);

            c = new GroupMemberRunner("c", topic, props("g-split"), owners, violations, reads);
            members.add(c);
            produce(topic, 6, PER_PARTITION);
            awaitSplit(members, 6);
            awaitRead(members, reads, topic, 6, 2 * PER_PARTITION);
            assertHealthy(violations, members);
            ConsumerGroupDescription described = admin.describeConsumerGroups(List.of("g-split")).get().get("g-split");
            assertEquals(3, described.members().size());

            // c dies without leaving: after its session its partitions move, and resume at the committed offsets.
            awaitCommitted("g-split", 6, 2 * PER_PARTITION);
            Set<TopicPartition> orphaned = c.owned();
            c.crash();
            members.remove(c);
            int readsBefore = reads.size();
            produce(topic, 6, PER_PARTITION);
            awaitSplit(members, 6);
            awaitRead(members, reads, topic, 6, 3 * PER_PARTITION);
            for (TopicPartition tp : orphaned) {
                long firstAfter = reads.subList(readsBefore, reads.size()).stream()
                        .filter(r -> r.tp().equals(tp) && !r.member().equals("c"))
                        .mapToLong(GroupMemberRunner.Read::offset).min().orElseThrow();
                assertEquals(2 * PER_PARTITION, firstAfter,
                        tp + ": the new owner starts exactly at c's last committed offset");
            }
            assertHealthy(violations, members);
        } finally {
            a.close();
            b.close();
            if (c != null) {
                c.close();
            }
        }
    }

    /**
     * Kills a node, so it runs on a cluster of its own: the helpers of this class use the static cluster
     * and admin, which point at the own cluster for the duration of the test (tests run one at a time).
     */
    @Test
    void theGroupSurvivesItsCoordinatorWithNoCommittedOffsetLost() throws Exception {
        TestCluster shared = cluster;
        Admin sharedAdmin = admin;
        try (TestCluster own = TestCluster.start(3);
             Admin ownAdmin = Admin.create(Map.of("bootstrap.servers", own.bootstrapServers()))) {
            cluster = own;
            admin = ownAdmin;
            groupSurvivesItsCoordinator();
        } finally {
            cluster = shared;
            admin = sharedAdmin;
        }
    }

    private void groupSurvivesItsCoordinator() throws Exception {
        String topic = "coordinator-death";
        createTopic(topic, 4);
        produce(topic, 4, PER_PARTITION);
        GroupMemberRunner.Owners owners = new GroupMemberRunner.Owners();
        List<String> violations = GroupMemberRunner.newViolationLog();
        List<GroupMemberRunner.Read> reads = GroupMemberRunner.newReadLog();
        GroupMemberRunner a = new GroupMemberRunner("a", topic, props("g-failover"), owners, violations, reads);
        GroupMemberRunner b = new GroupMemberRunner("b", topic, props("g-failover"), owners, violations, reads);
        try {
            awaitSplit(List.of(a, b), 4);
            awaitRead(List.of(a, b), reads, topic, 4, PER_PARTITION);
            awaitCommitted("g-failover", 4, PER_PARTITION);
            int killed = admin.describeConsumerGroups(List.of("g-failover")).get().get("g-failover").coordinatorId();
            cluster.killNode(killed);
            TestCluster.await(Duration.ofSeconds(30), "node " + killed + " fenced",
                    () -> cluster.runningNodes().stream().noneMatch(n -> n.metadata().image().cluster().isUnfenced(killed)));

            Map<TopicPartition, OffsetAndMetadata> afterDeath = admin.listConsumerGroupOffsets("g-failover").get();
            Map<TopicPartition, Long> committed = new java.util.HashMap<>();
            afterDeath.forEach((tp, o) -> committed.put(tp, o.offset()));
            Map<TopicPartition, Long> expected = new java.util.HashMap<>();
            for (int p = 0; p < 4; p++) {
                expected.put(new TopicPartition(topic, p), (long) PER_PARTITION);
            }
            assertEquals(expected, committed, "every partition's committed offset, none lost");
            produce(topic, 4, PER_PARTITION);
            awaitRead(List.of(a, b), reads, topic, 4, 2 * PER_PARTITION);
            ConsumerGroupDescription described = admin.describeConsumerGroups(List.of("g-failover")).get().get("g-failover");
            assertTrue(described.coordinatorId() != killed);
            assertEquals(2, described.members().size());
            TestCluster.await(Duration.ofSeconds(30), "the lag the coordinator reports at 0", () -> {
                try {
                    return admin.describeConsumerGroups(List.of("g-failover")).get().get("g-failover").lag() == 0;
                } catch (Exception e) {
                    return false;
                }
            });
            assertHealthy(violations, List.of(a, b));
        } finally {
            a.close();
            b.close();
        }
    }

    @Test
    void offsetResetAndStartPositions() throws Exception {
        String topic = "reset";
        createTopic(topic, 2);
        produce(topic, 2, 10);
        TopicPartition p0 = new TopicPartition(topic, 0);
        TopicPartition p1 = new TopicPartition(topic, 1);
        admin.alterConsumerGroupOffsets("g-reset", Map.of(p0, new OffsetAndMetadata(7))).get();
        try (Consumer<String, String> consumer = new Consumer<>(props("g-reset", "auto.offset.reset", "latest"),
                Deserializer.STRING, Deserializer.STRING)) {
            // Start positions as the listener sees them, before any record is returned.
            Map<TopicPartition, Long> start = new ConcurrentHashMap<>();
            consumer.subscribe(List.of(topic), new ConsumerRebalanceListener() {
                @Override
                public void onPartitionsRevoked(java.util.Collection<TopicPartition> partitions) {
                }

                @Override
                public void onPartitionsAssigned(java.util.Collection<TopicPartition> partitions) {
                    partitions.forEach(tp -> start.put(tp, consumer.position(tp)));
                }
            });
            TestCluster.await(Duration.ofSeconds(30), "both partitions assigned", () -> {
                consumer.poll(Duration.ofMillis(100));
                return start.size() == 2;
            });
            assertEquals(7, start.get(p0), "from the committed offset");
            assertEquals(10, start.get(p1), "no committed offset: auto.offset.reset=latest");

            ExecutionException busy = assertThrows(ExecutionException.class, () -> admin.alterConsumerGroupOffsets(
                    "g-reset", Map.of(p0, new OffsetAndMetadata(0))).get());
            assertEquals(ErrorCode.NON_EMPTY_GROUP, ((SluiceException) busy.getCause()).code());
            assertEquals(ErrorCode.NON_EMPTY_GROUP, ((SluiceException) assertThrows(ExecutionException.class,
                    () -> admin.deleteConsumerGroups(List.of("g-reset")).get()).getCause()).code());
            consumer.commitSync(Map.of(p1, new OffsetAndMetadata(3, "meta")));
            assertEquals(new OffsetAndMetadata(3, "meta"), consumer.committed(Set.of(p1)).get(p1));
            SluiceException unknown = assertThrows(SluiceException.class,
                    () -> consumer.commitSync(Map.of(new TopicPartition("no-such-topic", 0), new OffsetAndMetadata(1))));
            assertEquals(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, unknown.code());
        }
        assertEquals(3, admin.listConsumerGroupOffsets("g-reset").get().get(p1).offset(), "nothing changed by the refusals");
        admin.deleteConsumerGroups(List.of("g-reset")).get();
        assertTrue(admin.listConsumerGroupOffsets("g-reset").get().isEmpty());
    }

    @Test
    void aStaticMemberRestartingWithinItsSessionKeepsItsPartitionsWithoutARebalance() throws Exception {
        String topic = "static";
        createTopic(topic, 4);
        Map<String, Object> staticProps = props("g-static", "group.instance.id", "worker-1", "session.timeout.ms", 10_000);
        try (Consumer<String, String> other = new Consumer<>(props("g-static"), Deserializer.STRING, Deserializer.STRING)) {
            other.subscribe(List.of(topic));
            Set<TopicPartition> before;
            int epochBefore;
            try (Consumer<String, String> first = new Consumer<>(staticProps, Deserializer.STRING, Deserializer.STRING)) {
                first.subscribe(List.of(topic));
                TestCluster.await(Duration.ofSeconds(30), "two partitions each", () -> {
                    first.poll(Duration.ofMillis(50));
                    other.poll(Duration.ofMillis(50));
                    return first.assignment().size() == 2 && other.assignment().size() == 2;
                });
                before = Set.copyOf(first.assignment());
                epochBefore = admin.describeConsumerGroups(List.of("g-static")).get().get("g-static").groupEpoch();
            }
            try (Consumer<String, String> restarted = new Consumer<>(staticProps, Deserializer.STRING, Deserializer.STRING)) {
                restarted.subscribe(List.of(topic));
                TestCluster.await(Duration.ofSeconds(30), "the restarted member's partitions", () -> {
                    restarted.poll(Duration.ofMillis(50));
                    other.poll(Duration.ofMillis(50));
                    return restarted.assignment().size() == 2;
                });
                assertEquals(before, restarted.assignment());
                assertEquals(2, other.assignment().size(), "the other member kept its partitions throughout");
                ConsumerGroupDescription d = admin.describeConsumerGroups(List.of("g-static")).get().get("g-static");
                assertEquals(epochBefore, d.groupEpoch(), "no rebalance");
                assertEquals(2, d.members().size());
            }
        }
    }

    @Test
    void badInputGetsOneClearError() throws Exception {
        ExecutionException unknown = assertThrows(ExecutionException.class,
                () -> admin.describeConsumerGroups(List.of("never-existed")).get());
        assertEquals(ErrorCode.GROUP_ID_NOT_FOUND, ((SluiceException) unknown.getCause()).code());
        ExecutionException empty = assertThrows(ExecutionException.class,
                () -> admin.describeConsumerGroups(List.of("")).get());
        assertEquals(ErrorCode.INVALID_GROUP_ID, ((SluiceException) empty.getCause()).code());
        try (Consumer<String, String> noGroup = new Consumer<>(props(""), Deserializer.STRING, Deserializer.STRING)) {
            assertEquals(ErrorCode.INVALID_GROUP_ID, assertThrows(SluiceException.class,
                    () -> noGroup.subscribe(List.of("t"))).code());
        }
    }
}
