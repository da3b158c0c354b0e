package io.sluice.kafka;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.sluice.server.TestCluster;
import io.sluice.protocol.TopicPartition;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.FetchSessionHandler;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.slf4j.LoggerFactory;

/**
 * The official kafka-clients 4.4 producer, consumer and admin against an in-process three-node
 * cluster over Kafka's wire protocol: every codec with an idempotent acks=all producer, reads back
 * with assign/seek, offset lookups, and a leader failover under a producer without loss or duplicates.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class KafkaClientsIT {
    private static TestCluster cluster;

    @BeforeAll
    static void startCluster() throws Exception {
        cluster = TestCluster.start(3, Map.of("auto.create.topics.enable", "false"));
    }

    @AfterAll
    static void stopCluster() {
        if (cluster != null) {
            cluster.close();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"none", "gzip", "snappy", "lz4", "zstd"})
    void idempotentProducerAndAssignedConsumerRoundTripEveryCodec(String codec) throws Exception {
        String topic = "codec-" + codec;
        KafkaTestTopics.create(cluster, topic, 1, 3, Map.of());
        int count = 500;
        List<RecordMetadata> acked = new ArrayList<>();
        try (KafkaProducer<byte[], byte[]> producer = producer(Map.of(ProducerConfig.COMPRESSION_TYPE_CONFIG, codec,
                ProducerConfig.LINGER_MS_CONFIG, "5"))) {
            List<Future<RecordMetadata>> sends = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                ProducerRecord<byte[], byte[]> record = new ProducerRecord<>(topic, 0, 1_000L + i, key(i), value(i));
                record.headers().add(new RecordHeader("h", ("header-" + i).getBytes(StandardCharsets.UTF_8)));
                sends.add(producer.send(record));
            }
            for (Future<RecordMetadata> f : sends) {
                acked.add(f.get(60, TimeUnit.SECONDS));
            }
        }
        for (int i = 0; i < count; i++) {
            assertEquals(i, acked.get(i).offset(), "offset of record " + i);
        }
        org.apache.kafka.common.TopicPartition tp = new org.apache.kafka.common.TopicPartition(topic, 0);
        try (KafkaConsumer<byte[], byte[]> consumer = consumer(Map.of())) {
            consumer.assign(List.of(tp));
            consumer.seekToBeginning(List.of(tp));
            List<ConsumerRecord<byte[], byte[]>> read = poll(consumer, count);
            for (int i = 0; i < count; i++) {
                ConsumerRecord<byte[], byte[]> r = read.get(i);
                assertEquals(i, r.offset());
                assertArrayEquals(key(i), r.key());
                assertArrayEquals(value(i), r.value());
                assertEquals(1_000L + i, r.timestamp());
                assertArrayEquals(("header-" + i).getBytes(StandardCharsets.UTF_8), r.headers().lastHeader("h").value());
            }
            consumer.seek(tp, count - 10); // and from the middle of a (compressed) batch
            List<ConsumerRecord<byte[], byte[]>> tail = poll(consumer, 10);
            assertEquals(count - 10, tail.get(0).offset());
            assertArrayEquals(value(count - 1), tail.get(9).value());
        }
        // The leader's /metrics counts the records and the requests under the Kafka protocol's label.
        String metrics = metrics(cluster.node(KafkaTestTopics.leader(cluster, new TopicPartition(topic, 0))));
        assertTrue(metrics.contains("sluice_topic_records_in_total{topic=\"" + topic + "\"} " + count + ".0"), metrics);
        assertTrue(metrics.contains("sluice_request_duration_seconds_count{api=\"produce\",protocol=\"kafka\"}"));
        assertTrue(metrics.contains("sluice_request_duration_seconds_count{api=\"fetch\",protocol=\"kafka\"}"));
    }

    /**
     * The Java consumer starts a fetch session (KIP-227) on each leader and then fetches incrementally,
     * as it does against Kafka: seen in its own FetchSessionHandler's log, which also reports any
     * answer it finds invalid or any session error that makes it start over.
     */
    @Test
    void aConsumerFetchesIncrementallyInASession() throws Exception {
        String topic = "sessions";
        int partitions = 6;
        KafkaTestTopics.create(cluster, topic, partitions, 3, Map.of());
        try (KafkaProducer<byte[], byte[]> producer = producer(Map.of())) {
            for (int i = 0; i < 120; i++) {
                producer.send(new ProducerRecord<>(topic, i % partitions, key(i), value(i))).get(30, TimeUnit.SECONDS);
            }
        }
        Logger log = (Logger)
                LoggerFactory.getLogger(FetchSessionHandler.class);
        ListAppender<ILoggingEvent> seen =
                new ListAppender<>();
        seen.start();
        Level before = log.getLevel();
        log.setLevel(Level.DEBUG);
        log.addAppender(seen);
        try (KafkaConsumer<byte[], byte[]> consumer = consumer(Map.of())) {
            List<org.apache.kafka.common.TopicPartition> tps = new ArrayList<>();
            for (int p = 0; p < partitions; p++) {
                tps.add(new org.apache.kafka.common.TopicPartition(topic, p));
            }
            consumer.assign(tps);
            consumer.seekToBeginning(tps);
            assertEquals(120, poll(consumer, 120).size());
            // Empty incremental fetches follow once everything is read.
            await().atMost(Duration.ofSeconds(30)).until(() -> {
                consumer.poll(Duration.ofMillis(100));
                return messages(seen).stream().anyMatch(m -> m.contains("sent an incremental fetch response"));
            });
        } finally {
            log.detachAppender(seen);
            log.setLevel(before);
        }
        List<String> messages = messages(seen);
        assertTrue(messages.stream().anyMatch(m -> m.contains("created a new incremental fetch session")), messages.toString());
        assertTrue(messages.stream().noneMatch(m -> m.contains("invalid") || m.contains("unable to process")
                || m.contains("was likely evicted")), messages.toString());
    }

    private static List<String> messages(ListAppender<ILoggingEvent> seen) {
        synchronized (seen) { // the appender appends under its own lock
            return seen.list.stream().map(ILoggingEvent::getFormattedMessage).toList();
        }
    }

    private static String metrics(io.sluice.server.Node node) throws Exception {
        var address = node.metricsAddress();
        return java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(
                "http://" + address.getHostString() + ":" + address.getPort() + "/metrics")).build(),
                java.net.http.HttpResponse.BodyHandlers.ofString()).body();
    }

    @Test
    void offsetsByEarliestLatestTimestampAndMaxTimestamp() throws Exception {
        String topic = "offsets";
        KafkaTestTopics.create(cluster, topic, 1, 3, Map.of());
        try (KafkaProducer<byte[], byte[]> producer = producer(Map.of())) {
            for (int i = 0; i < 20; i++) {
                long ts = i == 7 ? 50_000L : 10_000L + i * 100L; // record 7 carries the largest timestamp
                producer.send(new ProducerRecord<>(topic, 0, ts, key(i), value(i))).get(30, TimeUnit.SECONDS);
            }
        }
        org.apache.kafka.common.TopicPartition tp = new org.apache.kafka.common.TopicPartition(topic, 0);
        // No transactions: read_committed sees the high watermark as its last stable offset.
        try (KafkaConsumer<byte[], byte[]> consumer =
                     consumer(Map.of(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"))) {
            assertEquals(0L, consumer.beginningOffsets(List.of(tp)).get(tp));
            assertEquals(20L, consumer.endOffsets(List.of(tp)).get(tp));
            OffsetAndTimestamp at = consumer.offsetsForTimes(Map.of(tp, 10_450L)).get(tp);
            assertEquals(5L, at.offset()); // 10_500 is the first timestamp at or after 10_450
            assertEquals(10_500L, at.timestamp());
            assertEquals(null, consumer.offsetsForTimes(Map.of(tp, 60_000L)).get(tp));
        }
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.bootstrapServers()))) {
            ListOffsetsResult.ListOffsetsResultInfo max = admin.listOffsets(Map.of(tp, OffsetSpec.maxTimestamp()))
                    .partitionResult(tp).get(30, TimeUnit.SECONDS);
            assertEquals(7L, max.offset());
            assertEquals(50_000L, max.timestamp());
            assertEquals(0L, admin.listOffsets(Map.of(tp, OffsetSpec.earliestLocal())).partitionResult(tp)
                    .get(30, TimeUnit.SECONDS).offset());
            assertEquals(20L, admin.listOffsets(Map.of(tp, OffsetSpec.latest())).partitionResult(tp)
                    .get(30, TimeUnit.SECONDS).offset());
        }
    }

    @Test
    void transactionalProducerFailsInsteadOfHanging() {
        try (KafkaProducer<byte[], byte[]> producer = producer(Map.of(ProducerConfig.TRANSACTIONAL_ID_CONFIG, "tx-1",
                ProducerConfig.MAX_BLOCK_MS_CONFIG, "20000"))) {
            assertThrows(KafkaException.class, producer::initTransactions);
        }
    }

    /**
     * Kills the partition's leader while an idempotent acks=all producer keeps sending and an assigned
     * consumer tails the partition; afterwards the log holds every acknowledged record exactly once, in
     * the order sent, and the consumer, which had to find the new leader and validate its position
     * (OffsetForLeaderEpoch), read exactly the log.
     */
    @Test
    void leaderFailoverUnderAProducerLosesAndDuplicatesNothing() throws Exception {
        String topic = "failover";
        KafkaTestTopics.create(cluster, topic, 1, 3, Map.of("min.insync.replicas", "2"));
        TopicPartition sluiceTp = new TopicPartition(topic, 0);
        int oldLeader = KafkaTestTopics.leader(cluster, sluiceTp);
        Set<Integer> acked = java.util.concurrent.ConcurrentHashMap.newKeySet();
        int total = 3_000;
        org.apache.kafka.common.TopicPartition tp = new org.apache.kafka.common.TopicPartition(topic, 0);
        List<ConsumerRecord<byte[], byte[]>> read = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer = consumer(Map.of(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "none"))) {
            consumer.assign(List.of(tp));
            consumer.seekToBeginning(List.of(tp));
            Runnable readSome = () -> await().atMost(Duration.ofSeconds(60)).until(() -> {
                consumer.poll(Duration.ofMillis(100)).forEach(read::add);
                return read.size() >= 100;
            });
            int newLeader;
            try {
                produceThroughAKill(topic, oldLeader, total, acked, readSome);
                newLeader = KafkaTestTopics.leader(cluster, sluiceTp);
            } finally {
                if (cluster.runningNodes().stream().noneMatch(n -> n.nodeId() == oldLeader)) {
                    cluster.startNode(oldLeader); // the other tests want three brokers
                    cluster.awaitReady(Duration.ofSeconds(60));
                }
            }
            assertTrue(acked.size() > total / 2, "only " + acked.size() + " of " + total + " acknowledged");
            assertTrue(newLeader > 0 && newLeader != oldLeader, "new leader " + newLeader);
            long end = consumer.endOffsets(List.of(tp)).get(tp);
            await().atMost(Duration.ofSeconds(60)).until(() -> {
                consumer.poll(Duration.ofMillis(200)).forEach(read::add);
                return read.size() >= end;
            });
        }
        Set<Integer> seen = new HashSet<>();
        int previous = -1;
        for (ConsumerRecord<byte[], byte[]> r : read) {
            assertEquals(seen.size(), r.offset(), "the consumer skipped or repeated an offset");
            int n = Integer.parseInt(new String(r.key(), StandardCharsets.UTF_8).substring(4));
            assertTrue(seen.add(n), "record " + n + " is in the log twice");
            assertTrue(n > previous, "record " + n + " after " + previous);
            previous = n;
        }
        Set<Integer> lost = new HashSet<>(acked);
        lost.removeAll(seen);
        assertEquals(Set.of(), lost, "acknowledged records missing from the log");
    }

    private static void produceThroughAKill(String topic, int leader, int total, Set<Integer> acked, Runnable beforeKill)
            throws Exception {
        try (KafkaProducer<byte[], byte[]> producer = producer(Map.of(ProducerConfig.LINGER_MS_CONFIG, "2",
                ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, "120000", ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, "5000"))) {
            List<Future<RecordMetadata>> sends = new ArrayList<>();
            for (int i = 0; i < total; i++) {
                int n = i;
                sends.add(producer.send(new ProducerRecord<>(topic, 0, key(i), value(i)), (md, error) -> {
                    if (error == null) {
                        acked.add(n);
                    }
                }));
                if (i == total / 3) {
                    await().atMost(Duration.ofSeconds(60)).until(() -> acked.size() > total / 6);
                    beforeKill.run();
                    cluster.killNode(leader);
                }
            }
            producer.flush();
            for (Future<RecordMetadata> f : sends) {
                try {
                    f.get(120, TimeUnit.SECONDS);
                } catch (ExecutionException e) {
                    // not acknowledged: may or may not be in the log, never twice
                }
            }
        }
    }

    private static List<ConsumerRecord<byte[], byte[]>> poll(KafkaConsumer<byte[], byte[]> consumer, int count) {
        List<ConsumerRecord<byte[], byte[]>> read = new ArrayList<>();
        await().atMost(Duration.ofSeconds(60)).until(() -> {
            consumer.poll(Duration.ofMillis(200)).forEach(read::add);
            return read.size() >= count;
        });
        assertEquals(count, read.size());
        return read;
    }

    private static KafkaProducer<byte[], byte[]> producer(Map<String, String> overrides) {
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.bootstrapServers());
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        props.putAll(overrides);
        return new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer());
    }

    private static KafkaConsumer<byte[], byte[]> consumer(Map<String, String> overrides) {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.bootstrapServers());
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        props.putAll(overrides);
        return new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    }

    private static byte[] key(int i) {
        return ("key-" + i).getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] value(int i) {
        return ("value-" + i + "-" + "x".repeat(i % 97)).getBytes(StandardCharsets.UTF_8);
    }
}
