package io.sluice.kafka;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sluice.metadata.CommandResult;
import io.sluice.protocol.metadata.CreateTopicCommand;
import io.sluice.protocol.metadata.MetadataCommand;
import io.sluice.replication.Partition;
import io.sluice.replication.ProduceService;
import io.sluice.server.Node;
import io.sluice.server.TestCluster;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.ConsumerGroupListing;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.CooperativeStickyAssignor;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.consumer.RangeAssignor;
import org.apache.kafka.common.GroupState;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.SimpleRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.GroupIdNotFoundException;
import org.apache.kafka.common.errors.GroupNotEmptyException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Kafka's own KafkaConsumer (group.protocol=classic) and Admin against a three-node cluster: members
 * of one group share the partitions, commit, and a member that leaves hands its partitions over at
 * their committed offsets; the admin calls of kafka-consumer-groups.sh list, describe, reset and
 * delete. Every position checked is a committed offset inside the log, so the checks hold whether or
 * not the consumers fetch records meanwhile.
 */
@Timeout(300)
class KafkaGroupsIT {
    private static final String TOPIC = "orders";
    private static final int PARTITIONS = 6;
    /** Records in each partition; every offset the tests commit is inside the log. */
    private static final int RECORDS = 100;
    private static TestCluster cluster;
    private static Admin admin;

    @BeforeAll
    static void start() throws Exception {
        cluster = TestCluster.start(3, Map.of("group.initial.rebalance.delay.ms", "0"));
        // Through the quorum: Kafka's CreateTopics is another module's work.
        CommandResult created = cluster.runningNodes().get(0).metadata().submit(MetadataCommand.newBuilder()
                .setCreateTopic(CreateTopicCommand.newBuilder().setName(TOPIC).setPartitions(PARTITIONS)
                        .setReplicationFactor(1)).build()).get(30, TimeUnit.SECONDS);
        assertTrue(created.isSuccess(), created::toString);
        TestCluster.await(Duration.ofSeconds(30), "every node knows " + TOPIC, () -> cluster.runningNodes().stream()
                .allMatch(n -> n.metadata().image().topics().topic(TOPIC) != null));
        for (int p = 0; p < PARTITIONS; p++) {
            produce(p, RECORDS);
        }
    }

    /**
     * Appends records at the partition's leader through the produce service (Kafka's Produce is another
     * module's work), so committed offsets are inside the log and a consumer that fetches keeps them.
     */
    private static void produce(int partition, int count) throws Exception {
        io.sluice.protocol.TopicPartition tp = new io.sluice.protocol.TopicPartition(TOPIC, partition);
        Node[] leader = new Node[1];
        TestCluster.await(Duration.ofSeconds(30), "a leader of " + tp, () -> {
            for (Node n : cluster.runningNodes()) {
                if (n.replicas().partition(tp).map(Partition::isLeader).orElse(false)) {
                    leader[0] = n;
                    return true;
                }
            }
            return false;
        });
        SimpleRecord[] records = new SimpleRecord[count];
        for (int i = 0; i < count; i++) {
            records[i] = new SimpleRecord(("record-" + i).getBytes(StandardCharsets.UTF_8));
        }
        ByteBuffer batch = MemoryRecords.withRecords(Compression.NONE, records).buffer();
        var results = new ProduceService(leader[0].replicas()).append(1, 30_000,
                List.of(new ProduceService.PartitionRecords(tp, batch))).get(30, TimeUnit.SECONDS);
        assertEquals(io.sluice.protocol.ErrorCode.NONE, results.get(0).error(), results::toString);
        Properties p = new Properties();
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.bootstrapServers());
        admin = Admin.create(p);
    }

    @AfterAll
    static void stop() {
        if (admin != null) {
            admin.close(Duration.ofSeconds(5));
        }
        if (cluster != null) {
            cluster.close();
        }
    }

    /** A consumer of {@code group} with manual commits; {@code settings} are key, value, key, value, ... */
    private static KafkaConsumer<byte[], byte[]> consumer(String group, String... settings) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.bootstrapServers());
        p.put(ConsumerConfig.GROUP_ID_CONFIG, group);
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        for (int i = 0; i < settings.length; i += 2) {
            p.put(settings[i], settings[i + 1]);
        }
        return new KafkaConsumer<>(p);
    }

    /** A member of Kafka's classic protocol with the given assignor, heartbeating often so rebalances are quick. */
    private static KafkaConsumer<byte[], byte[]> classicConsumer(String group, String assignor) {
        return consumer(group, ConsumerConfig.GROUP_PROTOCOL_CONFIG, "classic",
                ConsumerConfig.PARTITION_ASSIGNMENT_STRATEGY_CONFIG, assignor,
                ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, "10000", ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG, "200");
    }

    private static Set<TopicPartition> all() {
        return IntStream.range(0, PARTITIONS).mapToObj(p -> new TopicPartition(TOPIC, p)).collect(Collectors.toSet());
    }

    /** The first offset each consumer read from each partition since that partition was last assigned to it. */
    private static final Map<KafkaConsumer<byte[], byte[]>, FirstOffsets> READ = new java.util.IdentityHashMap<>();

    private static final class FirstOffsets implements ConsumerRebalanceListener {
        final Map<TopicPartition, Long> first = new HashMap<>();

        @Override
        public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
            partitions.forEach(first::remove);
        }

        @Override
        public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
            partitions.forEach(first::remove);
        }

        boolean readFromAll(Set<TopicPartition> assigned) {
            return first.keySet().containsAll(assigned);
        }
    }

    private static void subscribe(KafkaConsumer<byte[], byte[]> consumer) {
        FirstOffsets read = new FirstOffsets();
        READ.put(consumer, read);
        consumer.subscribe(List.of(TOPIC), read);
    }

    /** Polls every consumer briefly (one thread drives them all, as each is single-threaded) until the condition holds. */
    /**
     * Commits {@code offset} for each partition {@code member} owns once the group is stable. Sharing can
     * be seen before a cooperative rebalance's second round ends, and a commit during that round is
     * refused with RebalanceInProgressException, as against Kafka; the members poll until it goes through.
     */
    private static Map<TopicPartition, OffsetAndMetadata> commitWhenStable(KafkaConsumer<byte[], byte[]> member,
            List<KafkaConsumer<byte[], byte[]>> members,
            java.util.function.Function<TopicPartition, OffsetAndMetadata> offset) {
        Map<TopicPartition, OffsetAndMetadata> done = new HashMap<>();
        pollUntil(members, "the group is stable and the commit goes through", () -> {
            done.clear();
            member.assignment().forEach(tp -> done.put(tp, offset.apply(tp)));
            try {
                member.commitSync(done);
                return true;
            } catch (org.apache.kafka.common.errors.RebalanceInProgressException e) {
                return false;
            }
        });
        return done;
    }

    private static void pollUntil(List<KafkaConsumer<byte[], byte[]>> consumers, String what,
                                  java.util.function.BooleanSupplier condition) {
        await(what).atMost(Duration.ofSeconds(60)).pollInterval(Duration.ZERO).until(() -> {
            for (KafkaConsumer<byte[], byte[]> c : consumers) {
                ConsumerRecords<byte[], byte[]> records = c.poll(Duration.ofMillis(50));
                FirstOffsets read = READ.get(c);
                if (read != null) {
                    records.forEach(r -> read.first.putIfAbsent(new TopicPartition(r.topic(), r.partition()), r.offset()));
                }
            }
            return condition.getAsBoolean();
        });
    }

    /** Each consumer owns some partitions, together all, and has read from each it owns. */
    private static boolean shared(KafkaConsumer<byte[], byte[]> a, KafkaConsumer<byte[], byte[]> b) {
        return !a.assignment().isEmpty() && !b.assignment().isEmpty()
                && a.assignment().size() + b.assignment().size() == PARTITIONS
                && READ.get(a).readFromAll(a.assignment()) && READ.get(b).readFromAll(b.assignment());
    }

    /** A group's lag as the cluster reports it: each partition's leader serves its share, so the sum over nodes. */
    private static long lagFromMetrics(String group) {
        long total = 0;
        for (Node n : cluster.runningNodes()) {
            var at = n.metricsAddress();
            String text;
            try {
                text = java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest.newBuilder(
                        java.net.URI.create("http://" + at.getHostString() + ":" + at.getPort() + "/metrics")).build(),
                        java.net.http.HttpResponse.BodyHandlers.ofString()).body();
            } catch (Exception e) {
                throw new IllegalStateException("scraping node " + n.nodeId(), e);
            }
            for (String line : text.split("\n")) {
                if (line.startsWith("sluice_group_lag{") && line.contains("group=\"" + group + "\"")) {
                    total += (long) Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
                }
            }
        }
        return total;
    }

    /** Eager (range) and cooperative (cooperative-sticky: a second rebalance after revocation) alike. */
    @ParameterizedTest
    @ValueSource(classes = {RangeAssignor.class, CooperativeStickyAssignor.class})
    void membersSharePartitionsAndALeaverHandsOverAtTheCommittedOffsets(Class<?> assignor) throws Exception {
        String group = "share-" + assignor.getSimpleName();
        // Starting offsets committed without membership, as kafka-consumer-groups.sh --reset-offsets does.
        Map<TopicPartition, OffsetAndMetadata> start = new HashMap<>();
        all().forEach(tp -> start.put(tp, new OffsetAndMetadata(10L * tp.partition())));
        admin.alterConsumerGroupOffsets(group, start).all().get();
        // Each partition's leader reports the group's lag on it at /metrics: 100 - 10p records per partition.
        long expectedLag = 0;
        for (TopicPartition tp : all()) {
            expectedLag += RECORDS - 10L * tp.partition();
        }
        long lag = expectedLag;
        TestCluster.await(Duration.ofSeconds(30), group + "'s lag summed over the nodes' /metrics is " + lag,
                () -> lagFromMetrics(group) == lag);

        try (KafkaConsumer<byte[], byte[]> first = classicConsumer(group, assignor.getName());
             KafkaConsumer<byte[], byte[]> second = classicConsumer(group, assignor.getName())) {
            subscribe(first);
            pollUntil(List.of(first), "the first member owns everything", () -> first.assignment().equals(all()));
            subscribe(second);
            pollUntil(List.of(first, second), "both members own a share and read", () -> shared(first, second));
            Set<TopicPartition> union = new HashSet<>(first.assignment());
            union.addAll(second.assignment());
            assertEquals(all(), union, "shares are disjoint and cover every partition");
            for (TopicPartition tp : second.assignment()) {
                assertEquals(10L * tp.partition(), READ.get(second).first.get(tp), "starts at the committed offset");
            }

            // The first member has processed 5 records of each of its partitions, and commits that.
            Map<TopicPartition, OffsetAndMetadata> done = commitWhenStable(first, List.of(first, second),
                    tp -> new OffsetAndMetadata(10L * tp.partition() + 5, "by-first"));
            Set<TopicPartition> handedOver = Set.copyOf(first.assignment());
            first.close(); // LeaveGroup: the other member rebalances at once

            pollUntil(List.of(second), "the second member takes over and reads", () ->
                    second.assignment().equals(all()) && READ.get(second).readFromAll(all()));
            for (TopicPartition tp : handedOver) {
                assertEquals(10L * tp.partition() + 5, READ.get(second).first.get(tp),
                        "takes over at the committed offset of " + tp + ", nothing skipped");
            }

            ConsumerGroupDescription described = admin.describeConsumerGroups(List.of(group)).all().get().get(group);
            assertEquals(GroupState.STABLE, described.groupState());
            assertEquals(1, described.members().size());
            assertEquals(all(), described.members().iterator().next().assignment().topicPartitions());
            Map<TopicPartition, OffsetAndMetadata> committed =
                    admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get();
            handedOver.forEach(tp -> assertEquals(done.get(tp).offset(), committed.get(tp).offset()));
            ExecutionException busy = assertThrows(ExecutionException.class,
                    () -> admin.deleteConsumerGroups(List.of(group)).all().get());
            assertTrue(busy.getCause() instanceof GroupNotEmptyException, busy.getCause().toString());
        }
    }

    @Test
    @SuppressWarnings({"deprecation", "removal"})
    void adminListsDescribesResetsAndDeletesGroups() throws Exception {
        String group = "admin-group";
        Map<TopicPartition, OffsetAndMetadata> offsets = Map.of(new TopicPartition(TOPIC, 0), new OffsetAndMetadata(7),
                new TopicPartition(TOPIC, 1), new OffsetAndMetadata(9));
        admin.alterConsumerGroupOffsets(group, offsets).all().get();
        // Each broker lists from its own image, which may be a moment behind the quorum that applied the commit.
        await("listed").atMost(Duration.ofSeconds(30)).until(() -> {
            Collection<ConsumerGroupListing> listed = admin.listConsumerGroups().all().get();
            return listed.stream().anyMatch(l -> l.groupId().equals(group));
        });
        ConsumerGroupDescription empty = admin.describeConsumerGroups(List.of(group)).all().get().get(group);
        assertEquals(GroupState.EMPTY, empty.groupState());
        assertTrue(empty.members().isEmpty());
        assertEquals(offsets, admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get()
                .entrySet().stream().collect(Collectors.toMap(Map.Entry::getKey,
                        e -> new OffsetAndMetadata(e.getValue().offset()))));

        admin.deleteConsumerGroups(List.of(group)).all().get();
        assertTrue(admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get().isEmpty());
        ExecutionException gone = assertThrows(ExecutionException.class,
                () -> admin.deleteConsumerGroups(List.of(group)).all().get());
        assertTrue(gone.getCause() instanceof GroupIdNotFoundException, gone.getCause().toString());
        await("no longer listed").atMost(Duration.ofSeconds(30)).until(() ->
                admin.listConsumerGroups().all().get().stream().noneMatch(l -> l.groupId().equals(group)));
    }

    @Test
    void aStaticMemberRestartingKeepsItsPartitionsWithoutARebalance() throws Exception {
        String group = "static-group";
        Map<TopicPartition, OffsetAndMetadata> zero = new HashMap<>();
        all().forEach(tp -> zero.put(tp, new OffsetAndMetadata(0)));
        admin.alterConsumerGroupOffsets(group, zero).all().get();
        List<Set<TopicPartition>> owned = new ArrayList<>();
        for (int run = 0; run < 2; run++) {
            try (KafkaConsumer<byte[], byte[]> c = staticConsumer(group)) {
                c.subscribe(List.of(TOPIC));
                pollUntil(List.of(c), "assigned", () -> !c.assignment().isEmpty());
                owned.add(Set.copyOf(c.assignment()));
                // close() of a static member sends no LeaveGroup: the group keeps its place until the session ends.
            }
            ConsumerGroupDescription d = admin.describeConsumerGroups(List.of(group)).all().get().get(group);
            assertEquals(1, d.members().size(), "the static member is still in the group after closing");
            assertEquals("instance-1", d.members().iterator().next().groupInstanceId().orElseThrow());
        }
        assertEquals(owned.get(0), owned.get(1));
    }

    /**
     * KIP-848 (group.protocol=consumer) members on Sluice's server-side groups: they share, commit with
     * member epochs, and a leaver's partitions resume at its committed offsets; a classic member cannot
     * join such a group while it has members.
     */
    @Test
    void consumerProtocolMembersShareAndHandOverAtTheCommittedOffsets() throws Exception {
        String group = "kip848";
        Map<TopicPartition, OffsetAndMetadata> start = new HashMap<>();
        all().forEach(tp -> start.put(tp, new OffsetAndMetadata(10L * tp.partition())));
        admin.alterConsumerGroupOffsets(group, start).all().get();
        try (KafkaConsumer<byte[], byte[]> first = consumerProtocol(group);
             KafkaConsumer<byte[], byte[]> second = consumerProtocol(group)) {
            subscribe(first);
            subscribe(second);
            pollUntil(List.of(first, second), "both members own a share and read", () -> shared(first, second));
            for (KafkaConsumer<byte[], byte[]> c : List.of(first, second)) {
                for (TopicPartition tp : c.assignment()) {
                    assertEquals(10L * tp.partition(), READ.get(c).first.get(tp), "starts at the committed offset");
                }
            }
            try (KafkaConsumer<byte[], byte[]> classic = classicConsumer(group, RangeAssignor.class.getName())) {
                classic.subscribe(List.of(TOPIC));
                org.apache.kafka.common.KafkaException refused = assertThrows(org.apache.kafka.common.KafkaException.class,
                        () -> await().atMost(Duration.ofSeconds(30)).until(() -> {
                            classic.poll(Duration.ofMillis(100));
                            return false;
                        }));
                assertTrue(refused instanceof org.apache.kafka.common.errors.InconsistentGroupProtocolException,
                        refused.toString());
            }
            Map<TopicPartition, OffsetAndMetadata> done = new HashMap<>();
            for (TopicPartition tp : first.assignment()) {
                done.put(tp, new OffsetAndMetadata(10L * tp.partition() + 7));
            }
            first.commitSync(done);
            Set<TopicPartition> handedOver = Set.copyOf(first.assignment());
            first.close();
            pollUntil(List.of(second), "the second member takes over and reads", () ->
                    second.assignment().equals(all()) && READ.get(second).readFromAll(all()));
            for (TopicPartition tp : handedOver) {
                assertEquals(10L * tp.partition() + 7, READ.get(second).first.get(tp),
                        "takes over at the committed offset of " + tp + ", nothing skipped");
            }
            ConsumerGroupDescription described = admin.describeConsumerGroups(List.of(group)).all().get().get(group);
            assertEquals(1, described.members().size());
            assertEquals(all(), described.members().iterator().next().assignment().topicPartitions());
        }
    }

    private static KafkaConsumer<byte[], byte[]> consumerProtocol(String group) {
        return consumer(group, ConsumerConfig.GROUP_PROTOCOL_CONFIG, "consumer");
    }

    private static KafkaConsumer<byte[], byte[]> staticConsumer(String group) {
        return consumer(group, ConsumerConfig.GROUP_PROTOCOL_CONFIG, "classic",
                ConsumerConfig.GROUP_INSTANCE_ID_CONFIG, "instance-1", ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, "60000",
                ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG, "200");
    }
}
