package io.sluice.ecosystem;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sluice.server.Node;
import io.sluice.server.TestCluster;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.LongDeserializer;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.CloseOptions;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Materialized;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler;
import org.apache.kafka.streams.processor.StateRestoreListener;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Kafka Streams 4.4's WordCount with {@code processing.guarantee=at_least_once} on a three-node Sluice
 * cluster, over Kafka's protocol only. Streams creates its own internal topics there: the repartition
 * topic between splitting lines and counting words (which it purges with DeleteRecords once its records
 * are processed), and the count store's changelog, a compacted topic. The application runs, is closed,
 * and starts again on an empty state directory, so the store can only come back by restoring from the
 * changelog; then it counts a second batch of lines. The latest count of every word on the output topic
 * must equal the count computed directly over all the input. With {@code exactly_once_v2}, which needs
 * transactions, the application stops with the broker's refusal instead.
 */
@Timeout(value = 150, unit = TimeUnit.SECONDS)
class KafkaStreamsWordCountIT {
    private static final Logger LOG = LoggerFactory.getLogger(KafkaStreamsWordCountIT.class);
    private static final String APP = "wordcount";
    private static final String INPUT = "lines";
    private static final String OUTPUT = "word-counts";
    private static final String STORE = "counts";
    private static final String REPARTITION = APP + "-" + STORE + "-repartition";
    private static final String CHANGELOG = APP + "-" + STORE + "-changelog";
    private static final List<String> WORDS = List.of("sluice", "kafka", "streams", "log", "raft", "compact",
            "offset", "leader", "replica", "segment", "cleaner", "group");

    @TempDir
    Path stateDirs;

    @Test
    void wordCountRestoresItsStoreFromTheCompactedChangelogAndCountsExactly() throws Exception {
        try (TestCluster cluster = TestCluster.start(3, Map.of("log.cleaner.backoff.ms", "200"));
             Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.bootstrapServers()))) {
            admin.createTopics(List.of(new NewTopic(INPUT, 3, (short) 3), new NewTopic(OUTPUT, 3, (short) 3)))
                    .all().get(30, TimeUnit.SECONDS);
            Random random = new Random(20);
            List<String> firstLines = lines(random, 300);
            List<String> secondLines = lines(random, 300);

            produce(cluster, firstLines);
            AtomicLong restored = new AtomicLong();
            KafkaStreams first = start(cluster, stateDirs.resolve("first"), restored);
            try {
                awaitCounts(cluster, expectedCounts(firstLines));
                awaitRepartitionPurged(admin);
                awaitChangelogCompacted(cluster);
                awaitCleanerProgressOnEveryReplica(cluster);
            } finally {
                closeLeavingGroup(first);
            }
            assertEquals(0, restored.get(), "the first run starts from an empty changelog");
            assertEquals("compact", TopicReads.cleanupPolicy(admin, CHANGELOG));
            assertEquals("delete", TopicReads.cleanupPolicy(admin, REPARTITION));

            // A new, empty state directory: the store exists only in its changelog now.
            KafkaStreams second = start(cluster, stateDirs.resolve("second"), restored);
            try {
                await().atMost(Duration.ofSeconds(60)).until(() -> restored.get() > 0);
                produce(cluster, secondLines);
                List<String> all = new ArrayList<>(firstLines);
                all.addAll(secondLines);
                awaitCounts(cluster, expectedCounts(all));
            } finally {
                closeLeavingGroup(second);
            }
            assertTrue(restored.get() >= WORDS.size(), "restored " + restored.get() + " records from the changelog");
        }
    }

    /**
     * exactly_once_v2 needs transactions, which Sluice does not have: the application must stop with
     * the broker's refusal as its cause, never run with weaker guarantees than it asked for.
     */
    @Test
    void exactlyOnceStopsTheApplicationWithTheTransactionRefusal() throws Exception {
        try (TestCluster cluster = TestCluster.start(1);
             Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.bootstrapServers()))) {
            admin.createTopics(List.of(new NewTopic(INPUT, 1, (short) 1), new NewTopic(OUTPUT, 1, (short) 1)))
                    .all().get(30, TimeUnit.SECONDS);
            produce(cluster, List.of("exactly once"));
            AtomicReference<Throwable> failure = new AtomicReference<>();
            KafkaStreams streams = create(cluster, stateDirs.resolve("eos"), StreamsConfig.EXACTLY_ONCE_V2, 1);
            streams.setUncaughtExceptionHandler(e -> {
                failure.compareAndSet(null, e);
                return StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse.SHUTDOWN_CLIENT;
            });
            try {
                streams.start();
                await().atMost(Duration.ofSeconds(60)).until(() -> streams.state() == KafkaStreams.State.ERROR);
            } finally {
                streams.close(Duration.ofSeconds(30));
            }
            LOG.info("exactly_once_v2 on Sluice stops with: {}", failure.get().toString());
            // The transactional producer's first step, FindCoordinator for its transactional id, is refused.
            assertTrue(causes(failure.get()).anyMatch(c -> c.getMessage() != null
                    && c.getMessage().contains("Sluice does not support transactions")), failure.get().toString());
        }
    }

    private static Stream<Throwable> causes(Throwable t) {
        return Stream.iterate(t, c -> c != null, Throwable::getCause);
    }

    private static List<String> lines(Random random, int count) {
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            int n = 1 + random.nextInt(6);
            List<String> words = new ArrayList<>();
            for (int w = 0; w < n; w++) {
                String word = WORDS.get(random.nextInt(WORDS.size()));
                words.add(random.nextBoolean() ? word.toUpperCase(Locale.ROOT) : word);
            }
            lines.add(String.join(" ", words));
        }
        return lines;
    }

    /** The direct computation the topology must agree with. */
    private static Map<String, Long> expectedCounts(List<String> lines) {
        return lines.stream().flatMap(line -> Arrays.stream(line.toLowerCase(Locale.ROOT).split(" ")))
                .collect(Collectors.groupingBy(w -> w, TreeMap::new, Collectors.counting()));
    }

    private static KafkaStreams start(TestCluster cluster, Path stateDir, AtomicLong restored) throws Exception {
        KafkaStreams streams = create(cluster, stateDir, StreamsConfig.AT_LEAST_ONCE, 3);
        streams.setGlobalStateRestoreListener(new StateRestoreListener() {
            @Override
            public void onRestoreStart(TopicPartition tp, String store, long start, long end) {
            }

            @Override
            public void onBatchRestored(TopicPartition tp, String store, long batchEnd, long numRestored) {
            }

            @Override
            public void onRestoreEnd(TopicPartition tp, String store, long totalRestored) {
                restored.addAndGet(totalRestored);
            }
        });
        streams.start();
        return streams;
    }

    private static KafkaStreams create(TestCluster cluster, Path stateDir, String guarantee, int replication)
            throws Exception {
        Files.createDirectories(stateDir);
        StreamsBuilder builder = new StreamsBuilder();
        builder.stream(INPUT, Consumed.with(Serdes.String(), Serdes.String()))
                .flatMapValues(line -> Arrays.asList(line.toLowerCase(Locale.ROOT).split(" ")))
                .groupBy((key, word) -> word)
                .count(Materialized.as(STORE))
                .toStream()
                .to(OUTPUT, Produced.with(Serdes.String(), Serdes.Long()));
        Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, APP);
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.bootstrapServers());
        props.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, guarantee);
        props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
        props.put(StreamsConfig.DEFAULT_KEY_SERDE_CLASS_CONFIG, Serdes.StringSerde.class);
        props.put(StreamsConfig.DEFAULT_VALUE_SERDE_CLASS_CONFIG, Serdes.StringSerde.class);
        props.put(StreamsConfig.REPLICATION_FACTOR_CONFIG, replication);
        props.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, 200);
        props.put(StreamsConfig.REPARTITION_PURGE_INTERVAL_MS_CONFIG, 200);
        props.put(StreamsConfig.STATESTORE_CACHE_MAX_BYTES_CONFIG, 0);
        // Small changelog segments, so the cleaner has closed segments to compact while the test runs.
        props.put(StreamsConfig.topicPrefix("segment.bytes"), 4096);
        props.put(StreamsConfig.topicPrefix("min.cleanable.dirty.ratio"), "0.01");
        props.put(StreamsConfig.consumerPrefix(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG), "earliest");
        return new KafkaStreams(builder.build(), props);
    }

    /**
     * Streams' members do not leave their group on a plain close (a rolling bounce should not rebalance);
     * leaving explicitly spares the next run the old member's session timeout.
     */
    private static void closeLeavingGroup(KafkaStreams streams) {
        streams.close(CloseOptions.groupMembershipOperation(CloseOptions.GroupMembershipOperation.LEAVE_GROUP)
                .withTimeout(Duration.ofSeconds(30)));
    }

    private static void produce(TestCluster cluster, List<String> lines) throws Exception {
        Map<String, Object> props = Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.bootstrapServers(),
                ProducerConfig.ACKS_CONFIG, "all");
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(props, new StringSerializer(),
                new StringSerializer())) {
            for (int i = 0; i < lines.size(); i++) {
                producer.send(new ProducerRecord<>(INPUT, "line-" + i, lines.get(i)));
            }
            producer.flush();
        }
    }

    /** Reads the output topic from the start until the latest count of every word is the expected one. */
    private static void awaitCounts(TestCluster cluster, Map<String, Long> expected) {
        Map<String, Object> props = Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.bootstrapServers(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        Map<String, Long> latest = new TreeMap<>();
        try (KafkaConsumer<String, Long> consumer = new KafkaConsumer<>(props, new StringDeserializer(),
                new LongDeserializer())) {
            List<TopicPartition> partitions = new ArrayList<>();
            for (int p = 0; p < 3; p++) {
                partitions.add(new TopicPartition(OUTPUT, p));
            }
            consumer.assign(partitions);
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ZERO).untilAsserted(() -> {
                for (ConsumerRecord<String, Long> record : consumer.poll(Duration.ofMillis(200))) {
                    latest.put(record.key(), record.value());
                }
                assertEquals(expected, latest);
            });
        }
    }

    /** Streams deletes the repartition topic's processed records (DeleteRecords): its log start moves. */
    private static void awaitRepartitionPurged(Admin admin) {
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200)).until(() -> {
            Map<TopicPartition, OffsetSpec> earliest = new HashMap<>();
            for (int p = 0; p < 3; p++) {
                earliest.put(new TopicPartition(REPARTITION, p), OffsetSpec.earliest());
            }
            return admin.listOffsets(earliest).all().get(10, TimeUnit.SECONDS).values().stream()
                    .anyMatch(info -> info.offset() > 0);
        });
    }

    /**
     * Every count update went to the changelog (no cache); once the cleaner ran, it holds fewer records
     * than its offsets span, and still the latest count of every word.
     */
    private static void awaitChangelogCompacted(TestCluster cluster) {
        String bootstrap = cluster.bootstrapServers();
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500)).until(() -> {
            long span = TopicReads.endOffsetSum(bootstrap, CHANGELOG, new StringDeserializer(), new LongDeserializer());
            var records = TopicReads.readAll(bootstrap, CHANGELOG, new StringDeserializer(), new LongDeserializer());
            Set<String> keys = records.stream().map(ConsumerRecord::key).collect(Collectors.toSet());
            return keys.size() == WORDS.size() && records.size() < span;
        });
    }

    /**
     * Each replica cleans its own log: on every node, for every changelog partition, {@code /metrics}
     * shows a dirty ratio in [0, 1] and a last cleaned offset equal to the base offset of that
     * replica's active segment: everything closed was cleaned, and nothing else can be. That offset is
     * the log start on a replica whose partition still fits in its one (active) segment: segment
     * boundaries are each replica's own (a follower appends what one fetch brought into one segment, as
     * Kafka's does), and {@code segment.ms} rolls a segment only when a record arrives, as in Kafka, so
     * a partition that got few words may stay unrolled, and so uncleaned, on some replica.
     * {@code KafkaCompactionIT} checks that every replica of a partition cleans to the same result.
     */
    private static void awaitCleanerProgressOnEveryReplica(TestCluster cluster) {
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500)).untilAsserted(() -> {
            boolean cleanedSomewhere = false;
            for (Node node : cluster.runningNodes()) {
                CleanerMetrics metrics = CleanerMetrics.scrape(node.metricsAddress(), CHANGELOG);
                assertEquals(Set.of(0, 1, 2), metrics.dirtyRatio().keySet(), "node " + node.nodeId());
                metrics.dirtyRatio().values().forEach(r -> assertTrue(r >= 0 && r <= 1, "dirty ratio " + r));
                assertEquals(Set.of(0, 1, 2), metrics.lastCleanedOffset().keySet(), "node " + node.nodeId());
                for (int p = 0; p < 3; p++) {
                    var tp = new io.sluice.protocol.TopicPartition(CHANGELOG, p);
                    List<Long> bases = node.replicas().partition(tp).orElseThrow().log().segmentBaseOffsets();
                    long activeBase = bases.get(bases.size() - 1);
                    assertEquals(activeBase, metrics.lastCleanedOffset().get(p), "node " + node.nodeId()
                            + " cleaned partition " + p + " up to its active segment (segments at " + bases + ")");
                    cleanedSomewhere |= activeBase > 0;
                }
            }
            assertTrue(cleanedSomewhere, "some changelog replica has closed segments, and cleaned them");
        });
    }
}
