package io.sluice.kafka;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sluice.protocol.TopicPartition;
import io.sluice.replication.Partition;
import io.sluice.server.TestCluster;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewPartitionReassignment;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.PartitionReassignment;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.errors.InvalidReplicaAssignmentException;
import org.apache.kafka.common.errors.NoReassignmentInProgressException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

/**
 * Partition reassignment through Kafka's admin client (AlterPartitionReassignments,
 * ListPartitionReassignments) on a four-node in-process cluster, while Kafka's producer writes with
 * acks=all: the new replicas catch up and take over, the removed leader's log is deleted, and every
 * acknowledged record reads back.
 */
@Timeout(180)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class KafkaReassignmentIT {
    private static final Duration WAIT = Duration.ofSeconds(60);
    private TestCluster cluster;
    private Admin admin;

    @BeforeAll
    void start() throws Exception {
        cluster = TestCluster.start(4, Map.of("auto.leader.rebalance.enable", "false"));
        Properties props = new Properties();
        props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.bootstrapServers());
        props.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "30000");
        admin = Admin.create(props);
    }

    @AfterAll
    void stop() {
        if (admin != null) {
            admin.close(Duration.ofSeconds(5));
        }
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    void movesAPartitionOffItsLeaderWhileAnAcksAllProducerRunsAndLosesNothing() throws Exception {
        String topic = "moving";
        admin.createTopics(List.of(new NewTopic(topic, 1, (short) 3)
                .configs(Map.of("min.insync.replicas", "2")))).all().get();
        org.apache.kafka.common.TopicPartition kafkaTp = new org.apache.kafka.common.TopicPartition(topic, 0);
        TopicPartition tp = new TopicPartition(topic, 0);
        TopicDescription before = awaitDescribed(topic);
        List<Integer> original = replicas(before);
        int oldLeader = before.partitions().get(0).leader().id();
        int newcomer = outsider(original);
        List<Integer> target = new ArrayList<>(original);
        target.remove(Integer.valueOf(oldLeader));
        target.add(newcomer);

        Set<String> acked = ConcurrentHashMap.newKeySet();
        AtomicBoolean running = new AtomicBoolean(true);
        Thread producer = new Thread(() -> produce(topic, running, acked), "acks-all-producer");
        producer.start();
        try {
            await().atMost(WAIT).until(() -> acked.size() >= 200);
            // Hold the newcomer back so the reassignment is seen running, then let it catch up.
            cluster.node(newcomer).replicas().pauseFollowerFetching(true);
            admin.alterPartitionReassignments(Map.of(kafkaTp, Optional.of(new NewPartitionReassignment(target))))
                    .all().get();
            Map<org.apache.kafka.common.TopicPartition, PartitionReassignment> ongoing =
                    admin.listPartitionReassignments().reassignments().get();
            assertEquals(List.of(newcomer), ongoing.get(kafkaTp).addingReplicas());
            assertEquals(List.of(oldLeader), ongoing.get(kafkaTp).removingReplicas());
            assertEquals(new HashSet<>(union(original, target)), new HashSet<>(ongoing.get(kafkaTp).replicas()));
            int ackedWhileRunning = acked.size();
            await().atMost(WAIT).until(() -> acked.size() >= ackedWhileRunning + 200);
            cluster.node(newcomer).replicas().pauseFollowerFetching(false);

            await().atMost(WAIT).untilAsserted(() -> {
                TopicDescription after = admin.describeTopics(List.of(topic)).allTopicNames().get().get(topic);
                assertEquals(target, replicas(after));
                assertTrue(target.contains(after.partitions().get(0).leader().id()));
                assertTrue(admin.listPartitionReassignments().reassignments().get().isEmpty());
            });
            await().atMost(WAIT).until(() -> cluster.node(oldLeader).replicas().partition(tp).isEmpty()
                    && !Files.exists(cluster.logsDir(oldLeader).resolve(topic + "-0")));
            int ackedAtCompletion = acked.size();
            await().atMost(WAIT).until(() -> acked.size() >= ackedAtCompletion + 200);
        } finally {
            running.set(false);
            producer.join(30_000);
        }
        assertFalse(producer.isAlive());

        // Every acknowledged record is on every new replica, and reads back through the new leader.
        await().atMost(WAIT).until(() -> target.stream().map(id -> cluster.node(id).replicas().partition(tp))
                .map(p -> p.map(Partition::highWatermark).orElse(-1L)).distinct().count() == 1);
        Set<String> read = readAll(kafkaTp);
        Set<String> missing = new HashSet<>(acked);
        missing.removeAll(read);
        assertEquals(Set.of(), missing, "acknowledged records lost by the reassignment");
    }

    @Test
    void cancelGoesBackToTheOriginalReplicasAndBadRequestsChangeNothing() throws Exception {
        String topic = "staying";
        admin.createTopics(List.of(new NewTopic(topic, 2, (short) 3))).all().get();
        org.apache.kafka.common.TopicPartition p0 = new org.apache.kafka.common.TopicPartition(topic, 0);
        org.apache.kafka.common.TopicPartition p1 = new org.apache.kafka.common.TopicPartition(topic, 1);
        List<Integer> original = replicas(awaitDescribed(topic));
        int newcomer = outsider(original);

        assertInstanceOf(UnknownTopicOrPartitionException.class, cause(admin.alterPartitionReassignments(Map.of(
                new org.apache.kafka.common.TopicPartition("nope", 0),
                Optional.of(new NewPartitionReassignment(List.of(1, 2))))).all()));
        assertInstanceOf(UnknownTopicOrPartitionException.class, cause(admin.alterPartitionReassignments(Map.of(
                new org.apache.kafka.common.TopicPartition(topic, 9),
                Optional.of(new NewPartitionReassignment(List.of(1, 2))))).all()));
        assertInstanceOf(InvalidReplicaAssignmentException.class, cause(admin.alterPartitionReassignments(Map.of(
                p0, Optional.of(new NewPartitionReassignment(List.of(1, 2, 99))))).all()));
        assertInstanceOf(InvalidReplicaAssignmentException.class, cause(admin.alterPartitionReassignments(Map.of(
                p0, Optional.of(new NewPartitionReassignment(List.of(1, 2, 2))))).all()));
        assertInstanceOf(NoReassignmentInProgressException.class, cause(admin.alterPartitionReassignments(Map.of(
                p0, Optional.empty())).all()));
        assertTrue(admin.listPartitionReassignments().reassignments().get().isEmpty());
        assertEquals(original, replicas(awaitDescribed(topic)));

        cluster.node(newcomer).replicas().pauseFollowerFetching(true);
        try {
            List<Integer> target = new ArrayList<>(original.subList(1, 3));
            target.add(newcomer);
            admin.alterPartitionReassignments(Map.of(p0, Optional.of(new NewPartitionReassignment(target)))).all().get();
            assertEquals(Set.of(p0), admin.listPartitionReassignments(Set.of(p0, p1)).reassignments().get().keySet());
            await().atMost(WAIT).until(() -> cluster.node(newcomer).replicas().partition(new TopicPartition(topic, 0))
                    .isPresent());
            admin.alterPartitionReassignments(Map.of(p0, Optional.empty())).all().get();
        } finally {
            cluster.node(newcomer).replicas().pauseFollowerFetching(false);
        }
        assertTrue(admin.listPartitionReassignments().reassignments().get().isEmpty());
        assertEquals(new HashSet<>(original), new HashSet<>(replicas(awaitDescribed(topic))));
        await().atMost(WAIT).until(() -> cluster.node(newcomer).replicas().partition(new TopicPartition(topic, 0))
                .isEmpty() && !Files.exists(cluster.logsDir(newcomer).resolve(topic + "-0")));
    }

    private void produce(String topic, AtomicBoolean running, Set<String> acked) {
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.bootstrapServers());
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        props.put(ProducerConfig.LINGER_MS_CONFIG, "5");
        props.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, "60000");
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(props, new StringSerializer(),
                new StringSerializer())) {
            for (int i = 0; running.get(); i++) {
                String value = "v" + i;
                producer.send(new ProducerRecord<>(topic, 0, null, value), (metadata, error) -> {
                    if (error == null) {
                        acked.add(value);
                    }
                });
                if (i % 50 == 49) {
                    producer.flush();
                }
            }
            producer.flush();
        }
    }

    private Set<String> readAll(org.apache.kafka.common.TopicPartition tp) {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.bootstrapServers());
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        Set<String> values = new HashSet<>();
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(props, new StringDeserializer(),
                new StringDeserializer())) {
            consumer.assign(List.of(tp));
            long end = consumer.endOffsets(List.of(tp)).get(tp);
            await().atMost(WAIT).until(() -> {
                for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(200))) {
                    values.add(r.value());
                }
                return consumer.position(tp) >= end;
            });
        }
        return values;
    }

    private TopicDescription awaitDescribed(String topic) {
        return await().atMost(WAIT).ignoreExceptions().until(
                () -> admin.describeTopics(List.of(topic)).allTopicNames().get().get(topic),
                d -> d.partitions().stream().allMatch(p -> p.leader() != null && p.isr().size() == p.replicas().size()));
    }

    private static List<Integer> replicas(TopicDescription d) {
        return d.partitions().get(0).replicas().stream().map(Node::id).toList();
    }

    private int outsider(List<Integer> replicas) {
        for (int id = 1; id <= cluster.size(); id++) {
            if (!replicas.contains(id)) {
                return id;
            }
        }
        throw new AssertionError("every broker holds a replica of " + replicas);
    }

    private static List<Integer> union(List<Integer> a, List<Integer> b) {
        List<Integer> all = new ArrayList<>(b);
        a.stream().filter(x -> !all.contains(x)).forEach(all::add);
        return all;
    }

    private static Throwable cause(Future<?> future) {
        return assertThrows(ExecutionException.class, future::get).getCause();
    }
}
