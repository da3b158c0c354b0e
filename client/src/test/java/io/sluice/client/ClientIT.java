package io.sluice.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sluice.client.admin.Admin;
import io.sluice.client.admin.AlterConfigOp;
import io.sluice.client.admin.ClusterDescription;
import io.sluice.client.admin.ConfigEntry;
import io.sluice.client.admin.ConfigResource;
import io.sluice.client.admin.NewTopic;
import io.sluice.client.admin.TopicDescription;
import io.sluice.client.consumer.Consumer;
import io.sluice.client.consumer.ConsumerRecord;
import io.sluice.client.producer.Producer;
import io.sluice.client.producer.ProducerRecord;
import io.sluice.client.producer.RecordMetadata;
import io.sluice.protocol.ErrorCode;
import io.sluice.protocol.SluiceException;
import io.sluice.protocol.TopicPartition;
import io.sluice.protocol.record.Header;
import io.sluice.server.TestCluster;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Producer, consumer and admin round trips against an in-process three-node cluster. */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class ClientIT {
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

    private static Map<String, Object> props(Object... pairs) {
        Map<String, Object> props = new HashMap<>();
        props.put("bootstrap.servers", cluster.bootstrapServers());
        for (int i = 0; i < pairs.length; i += 2) {
            props.put((String) pairs[i], pairs[i + 1]);
        }
        return props;
    }

    private static void createTopic(String name, int partitions, int replicationFactor) throws Exception {
        admin.createTopics(List.of(new NewTopic(name, partitions, replicationFactor))).get(30, TimeUnit.SECONDS);
        TestCluster.await(Duration.ofSeconds(30), "leaders of " + name, () -> {
            try {
                TopicDescription d = admin.describeTopics(List.of(name)).get().get(name);
                return d.partitions().size() == partitions && d.partitions().stream().allMatch(p -> p.leader() >= 0);
            } catch (Exception e) {
                return false;
            }
        });
    }

    private static List<ConsumerRecord<String, String>> consume(String topic, int partitions, int expected) {
        List<ConsumerRecord<String, String>> out = new ArrayList<>();
        try (Consumer<String, String> consumer = new Consumer<>(props("auto.offset.reset", "earliest"),
                Deserializer.STRING, Deserializer.STRING)) {
            List<TopicPartition> tps = new ArrayList<>();
            for (int p = 0; p < partitions; p++) {
                tps.add(new TopicPartition(topic, p));
            }
            consumer.assign(tps);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (out.size() < expected && System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(500)).forEach(out::add);
            }
        }
        return out;
    }

    @ParameterizedTest
    @ValueSource(strings = {"none", "gzip", "snappy", "lz4", "zstd"})
    void producedRecordsComeBackInOrderPerPartition(String compression) throws Exception {
        String topic = "round-trip-" + compression;
        createTopic(topic, 3, 3);
        int count = 600;
        List<CompletableFuture<RecordMetadata>> futures = new ArrayList<>();
        try (Producer<String, String> producer = new Producer<>(props("compression.type", compression, "linger.ms", 2),
                Serializer.STRING, Serializer.STRING)) {
            for (int i = 0; i < count; i++) {
                futures.add(producer.send(new ProducerRecord<>(topic, null, null, "key-" + (i % 17), "value-" + i,
                        List.of(new Header("n", Integer.toString(i).getBytes())))));
            }
            producer.flush();
        }
        Map<String, Integer> partitionOfKey = new HashMap<>();
        for (int i = 0; i < count; i++) {
            RecordMetadata md = futures.get(i).get();
            assertTrue(md.offset() >= 0);
            Integer previous = partitionOfKey.putIfAbsent("key-" + (i % 17), md.partition());
            assertTrue(previous == null || previous == md.partition(), "a key always goes to the same partition");
        }
        List<ConsumerRecord<String, String>> records = consume(topic, 3, count);
        assertEquals(count, records.size());
        Map<Integer, Integer> lastValueByPartition = new HashMap<>();
        for (ConsumerRecord<String, String> r : records) {
            int n = Integer.parseInt(r.value().substring("value-".length()));
            assertEquals(partitionOfKey.get(r.key()), r.partition());
            assertEquals("key-" + (n % 17), r.key());
            assertEquals(List.of(new Header("n", Integer.toString(n).getBytes())), r.headers());
            Integer last = lastValueByPartition.put(r.partition(), n);
            assertTrue(last == null || last < n, "records of a partition come back in the order sent");
        }
    }

    @Test
    void pollWaitsForRecordsProducedLater() throws Exception {
        String topic = "long-poll";
        createTopic(topic, 1, 1);
        TopicPartition tp = new TopicPartition(topic, 0);
        try (Consumer<String, String> consumer = new Consumer<>(props("auto.offset.reset", "latest"),
                Deserializer.STRING, Deserializer.STRING);
             Producer<String, String> producer = new Producer<>(props(), Serializer.STRING, Serializer.STRING)) {
            consumer.assign(List.of(tp));
            assertEquals(0, consumer.position(tp));
            assertTrue(consumer.poll(Duration.ofMillis(300)).isEmpty());
            // One poll, on another thread, whose fetch must be parked at the leader before anything is sent.
            CompletableFuture<List<ConsumerRecord<String, String>>> polled = CompletableFuture.supplyAsync(() -> {
                List<ConsumerRecord<String, String>> records = new ArrayList<>();
                consumer.poll(Duration.ofSeconds(30)).forEach(records::add);
                return records;
            });
            TopicPartition parkedOn = new TopicPartition(topic, 0);
            TestCluster.await(Duration.ofSeconds(20), "the consumer's fetch parked at the broker", () -> cluster
                    .runningNodes().stream().anyMatch(n -> n.replicas().fetchPurgatory().watched(parkedOn) > 0));
            assertFalse(polled.isDone(), "the poll answered before anything was produced");
            RecordMetadata sent = producer.send(new ProducerRecord<>(topic, "k", "late")).get(20, TimeUnit.SECONDS);
            List<ConsumerRecord<String, String>> got = polled.get(30, TimeUnit.SECONDS);
            assertEquals(0, sent.offset());
            assertEquals(1, got.size(), "the parked poll answered with the record produced after it parked");
            assertEquals("late", got.get(0).value());
            assertEquals(1, consumer.position(tp));
            consumer.seekToBeginning(List.of(tp));
            assertEquals(0, consumer.position(tp));
            assertEquals(Map.of(tp, 1L), consumer.endOffsets(List.of(tp)));
        }
    }

    @Test
    void sendToUnknownTopicFailsFastWithAClearError() {
        try (Producer<String, String> producer = new Producer<>(props("max.block.ms", 20_000), Serializer.STRING, Serializer.STRING)) {
            ExecutionException e = assertThrows(ExecutionException.class,
                    () -> producer.send(new ProducerRecord<>("no-such-topic", "v")).get(30, TimeUnit.SECONDS));
            SluiceException cause = assertInstanceOf(SluiceException.class, e.getCause());
            assertEquals(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, cause.code());
            assertTrue(cause.getMessage().contains("does not exist"), cause.getMessage());
        }
    }

    @Test
    void adminDescribesAltersAndDeletes() throws Exception {
        String topic = "admin-topic";
        createTopic(topic, 2, 3);
        TopicDescription d = admin.describeTopics(List.of(topic)).get().get(topic);
        assertEquals(3, d.replicationFactor());
        assertTrue(admin.listTopics().get().contains(topic));
        ExecutionException exists = assertThrows(ExecutionException.class,
                () -> admin.createTopics(List.of(new NewTopic(topic, 1, 1))).get());
        assertEquals(ErrorCode.TOPIC_ALREADY_EXISTS, ((SluiceException) exists.getCause()).code());

        admin.createPartitions(Map.of(topic, 4)).get();
        TestCluster.await(Duration.ofSeconds(30), "4 partitions", () -> {
            try {
                return admin.describeTopics(List.of(topic)).get().get(topic).partitions().size() == 4;
            } catch (Exception e) {
                return false;
            }
        });
        ExecutionException shrink = assertThrows(ExecutionException.class, () -> admin.createPartitions(Map.of(topic, 2)).get());
        assertEquals(ErrorCode.INVALID_PARTITIONS, ((SluiceException) shrink.getCause()).code());

        ConfigResource resource = ConfigResource.topic(topic);
        admin.incrementalAlterConfigs(Map.of(resource, List.of(AlterConfigOp.set("retention.ms", "60000")))).get();
        List<ConfigEntry> entries = admin.describeConfigs(List.of(resource)).get().get(resource);
        assertTrue(entries.stream().anyMatch(e -> e.name().equals("retention.ms") && e.value().equals("60000") && e.isOverride()),
                entries.toString());

        ClusterDescription described = admin.describeCluster().get();
        assertEquals(3, described.brokers().size());
        assertEquals(3, admin.describeQuorum().get().voters().size());

        admin.deleteTopics(List.of(topic)).get();
        TestCluster.await(Duration.ofSeconds(30), "topic deleted", () -> {
            try {
                return !admin.listTopics().get().contains(topic);
            } catch (Exception e) {
                return false;
            }
        });
        ExecutionException unknown = assertThrows(ExecutionException.class, () -> admin.describeTopics(List.of(topic)).get());
        assertEquals(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, ((SluiceException) unknown.getCause()).code());
    }

    // A producer following a new leader after a kill: FailoverIT, on a cluster of its own (a test
    // that kills nodes does not share this one).
}
