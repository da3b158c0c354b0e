package io.sluice.kafka;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sluice.protocol.record.Record;
import io.sluice.protocol.record.RecordBatch;
import io.sluice.server.Node;
import io.sluice.server.TestCluster;
import io.sluice.storage.LogReadResult;
import io.sluice.storage.PartitionLog;
import io.sluice.protocol.TopicPartition;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.InvalidRecordException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Log compaction end to end with kafka-clients 4.4 on a three-node cluster: a topic switched to
 * {@code cleanup.policy=compact} at runtime refuses keyless records; overwritten keys and tombstones
 * written by an idempotent producer are cleaned on every replica independently; after
 * {@code delete.retention.ms} the tombstones are gone too; and a consumer reading from each replica
 * leader before and after leadership moves (by stopping the leader), and every replica's own log,
 * hold the latest value of every key, each record at the offset it was acknowledged at.
 */
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class KafkaCompactionIT {
    private static final String TOPIC = "kv";
    private static final TopicPartition TP = new TopicPartition(TOPIC, 0);
    private static final int KEYS = 20;

    @Test
    void aCompactedTopicReadsTheSameLatestValuesFromEveryReplica() throws Exception {
        try (TestCluster cluster = TestCluster.start(3, Map.of("log.cleaner.backoff.ms", "100",
                "auto.create.topics.enable", "false"))) {
            KafkaTestTopics.create(cluster, TOPIC, 1, 3, Map.of("segment.bytes", "2048",
                    "min.cleanable.dirty.ratio", "0.01", "delete.retention.ms", "3000"));
            Map<Long, String> written = new HashMap<>();
            try (KafkaProducer<byte[], byte[]> producer = producer(cluster);
                 Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.bootstrapServers()))) {
                send(producer, written, null, "keyless, before the switch");
                admin.incrementalAlterConfigs(Map.of(new ConfigResource(ConfigResource.Type.TOPIC, TOPIC), List.of(
                        new AlterConfigOp(new ConfigEntry("cleanup.policy", "compact"), AlterConfigOp.OpType.SET))))
                        .all().get(30, TimeUnit.SECONDS);
                await().atMost(Duration.ofSeconds(30)).until(() -> {
                    try {
                        producer.send(new ProducerRecord<>(TOPIC, 0, null, bytes("keyless"))).get(30, TimeUnit.SECONDS);
                        return false;
                    } catch (ExecutionException e) {
                        assertInstanceOf(InvalidRecordException.class, e.getCause());
                        return true;
                    }
                });
                for (int round = 0; round < 10; round++) {
                    for (int k = 0; k < KEYS; k++) {
                        send(producer, written, "k" + k, "v" + round + "-" + k);
                    }
                }
                for (int k = 0; k < 5; k++) {
                    send(producer, written, "k" + k, null); // tombstones
                }
                awaitCleanedOnEveryReplica(cluster, true);

                // Once delete.retention.ms has passed on the brokers, a pass made necessary by more
                // overwrites drops the tombstones: overwrite and look again until it happened.
                int[] round = {10};
                await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(500)).until(() -> {
                    for (int k = 5; k < KEYS; k++) {
                        send(producer, written, "k" + k, "v" + round[0] + "-" + k);
                    }
                    round[0]++;
                    return everyReplicaCleaned(cluster, false);
                });
            }
            Map<String, String> expected = latest(new TreeMap<>(written));
            expected.remove("null"); // the keyless record from before the switch: cleaning removes it
            assertEquals(KEYS - 5, expected.size());
            List<Integer> leadersSeen = new ArrayList<>();
            for (int turn = 0; turn < 3; turn++) {
                int leader = awaitLeader(cluster);
                leadersSeen.add(leader);
                Map<Long, String> read = consumeAll(cluster);
                for (Map.Entry<Long, String> r : read.entrySet()) {
                    assertEquals(written.get(r.getKey()), r.getValue(), "record at offset " + r.getKey() + " from leader " + leader);
                }
                assertEquals(expected, latest(read), "latest values read from leader " + leader);
                assertTrue(read.values().stream().noneMatch(v -> v.endsWith("=") || v.startsWith("null=")),
                        "no tombstone and no keyless record left: " + read);
                if (turn < 2) {
                    cluster.stopNode(leader);
                    awaitLeaderOtherThan(cluster, leader);
                    cluster.startNode(leader);
                    TestCluster.await(Duration.ofSeconds(60), "node " + leader + " back in sync", () ->
                            cluster.node(leader) != null && cluster.node(leader).replicas().partition(TP)
                                    .map(p -> p.log().logEndOffset()).orElse(-1L) >= written.size());
                }
            }
            // Elections pick the first in-sync replica in assignment order, so stopping one node at a time
            // never hands leadership to the third: its copy is read from its own log instead.
            assertTrue(leadersSeen.stream().distinct().count() >= 2, "leadership moved: " + leadersSeen);
            for (Node node : cluster.runningNodes()) {
                Map<Long, String> local = readLocal(node.replicas().partition(TP).orElseThrow().log());
                for (Map.Entry<Long, String> r : local.entrySet()) {
                    assertEquals(written.get(r.getKey()), r.getValue(), "node " + node.nodeId() + " offset " + r.getKey());
                }
                assertEquals(expected, latest(local), "latest values in node " + node.nodeId() + "'s own log");
            }
        }
    }

    /** Every replica's closed segments hold each key at most once, and tombstones only if {@code tombstonesMayStay}. */
    private static void awaitCleanedOnEveryReplica(TestCluster cluster, boolean tombstonesMayStay) {
        await("every replica cleaned").atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(200))
                .until(() -> everyReplicaCleaned(cluster, tombstonesMayStay));
    }

    private static boolean everyReplicaCleaned(TestCluster cluster, boolean tombstonesMayStay) throws Exception {
        for (Node node : cluster.runningNodes()) {
            PartitionLog log = node.replicas().partition(TP).map(p -> p.log()).orElse(null);
            if (log == null || !cleaned(log, tombstonesMayStay)) {
                return false;
            }
        }
        return true;
    }

    private static boolean cleaned(PartitionLog log, boolean tombstonesMayStay) throws Exception {
        List<Long> bases = log.segmentBaseOffsets();
        long activeBase = bases.get(bases.size() - 1);
        if (bases.size() < 3) {
            return false;
        }
        Map<String, Integer> seen = new HashMap<>();
        long next = log.logStartOffset();
        while (next < activeBase) {
            LogReadResult r = log.read(next, 1 << 20, activeBase);
            if (r.range() == null) {
                break;
            }
            for (RecordBatch batch : RecordBatch.batchesOf(r.range().readBytes())) {
                for (Record rec : batch.recordList()) {
                    if (rec.key() == null || (rec.value() == null && !tombstonesMayStay)) {
                        return false;
                    }
                    if (seen.merge(string(rec.key()), 1, Integer::sum) > 1) {
                        return false;
                    }
                }
            }
            next = r.range().lastOffset() + 1;
        }
        return true;
    }

    /** Every record of a replica's own log, read through the storage API, as "key=value" by offset. */
    private static Map<Long, String> readLocal(PartitionLog log) throws Exception {
        Map<Long, String> out = new TreeMap<>();
        long next = log.logStartOffset();
        while (next < log.logEndOffset()) {
            LogReadResult r = log.read(next, 1 << 20, Long.MAX_VALUE);
            if (r.range() == null) {
                break;
            }
            for (RecordBatch batch : RecordBatch.batchesOf(r.range().readBytes())) {
                for (Record rec : batch.recordList()) {
                    out.put(rec.offset(), (rec.key() == null ? "null" : string(rec.key())) + "="
                            + (rec.value() == null ? "" : string(rec.value())));
                }
            }
            next = r.range().lastOffset() + 1;
        }
        return out;
    }

    private static void send(KafkaProducer<byte[], byte[]> producer, Map<Long, String> written, String key,
                             String value) throws Exception {
        RecordMetadata m = producer.send(new ProducerRecord<>(TOPIC, 0, key == null ? null : bytes(key),
                value == null ? null : bytes(value))).get(30, TimeUnit.SECONDS);
        written.put(m.offset(), key + "=" + (value == null ? "" : value));
    }

    private static Map<Long, String> consumeAll(TestCluster cluster) {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.bootstrapServers());
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        Map<Long, String> read = new TreeMap<>();
        org.apache.kafka.common.TopicPartition tp = new org.apache.kafka.common.TopicPartition(TOPIC, 0);
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(props, new ByteArrayDeserializer(),
                new ByteArrayDeserializer())) {
            consumer.assign(List.of(tp));
            consumer.seekToBeginning(List.of(tp));
            long end = consumer.endOffsets(List.of(tp)).get(tp);
            await().atMost(Duration.ofSeconds(60)).until(() -> {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    read.put(r.offset(), (r.key() == null ? "null" : string(r.key())) + "="
                            + (r.value() == null ? "" : string(r.value())));
                }
                return consumer.position(tp) >= end;
            });
        }
        return read;
    }

    private static Map<String, String> latest(Map<Long, String> read) {
        Map<String, String> out = new TreeMap<>();
        for (String kv : read.values()) {
            String[] parts = kv.split("=", 2);
            if (parts[1].isEmpty()) {
                out.remove(parts[0]);
            } else {
                out.put(parts[0], parts[1]);
            }
        }
        return out;
    }

    private static int awaitLeader(TestCluster cluster) {
        TestCluster.await(Duration.ofSeconds(30), "a leader", () -> KafkaTestTopics.leader(cluster, TP) >= 0);
        return KafkaTestTopics.leader(cluster, TP);
    }

    private static void awaitLeaderOtherThan(TestCluster cluster, int old) {
        TestCluster.await(Duration.ofSeconds(30), "a leader other than " + old, () -> {
            int l = KafkaTestTopics.leader(cluster, TP);
            return l >= 0 && l != old;
        });
    }

    private static KafkaProducer<byte[], byte[]> producer(TestCluster cluster) {
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.bootstrapServers());
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        return new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer());
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static String string(ByteBuffer b) {
        return StandardCharsets.UTF_8.decode(b.duplicate()).toString();
    }

    private static String string(byte[] b) {
        return new String(b, StandardCharsets.UTF_8);
    }
}
