package io.sluice.kafka;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import io.sluice.server.TestCluster;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Kafka's consumer commits a group's offsets, the node coordinating the group crashes, and the group
 * moves to another node with every committed offset: a new consumer of the group reads them back there
 * and commits again. Offsets live in the metadata quorum, so no coordinator holds them alone.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class KafkaGroupFailoverIT {
    private static final String TOPIC = "failover";
    private static final String GROUP = "failover-g";

    @Test
    void committedOffsetsSurviveTheCoordinatorsCrash() throws Exception {
        try (TestCluster cluster = TestCluster.start(3, Map.of("auto.create.topics.enable", "false"))) {
            KafkaTestTopics.create(cluster, TOPIC, 3, 3, Map.of());
            Map<TopicPartition, OffsetAndMetadata> commits = new HashMap<>();
            for (int p = 0; p < 3; p++) {
                commits.put(new TopicPartition(TOPIC, p), new OffsetAndMetadata(0, "at " + p));
            }
            try (KafkaConsumer<byte[], byte[]> consumer = consumer(cluster)) {
                consumer.commitSync(commits);
            }
            int coordinator;
            try (Admin admin = admin(cluster)) {
                coordinator = admin.describeConsumerGroups(List.of(GROUP)).all().get(30, TimeUnit.SECONDS)
                        .get(GROUP).coordinator().id();
                cluster.killNode(coordinator);
                TestCluster.await(Duration.ofSeconds(60), "another node coordinates the group", () -> {
                    try {
                        return admin.describeConsumerGroups(List.of(GROUP)).all().get(5, TimeUnit.SECONDS)
                                .get(GROUP).coordinator().id() != coordinator;
                    } catch (Exception e) {
                        return false; // the coordinator is moving
                    }
                });
            }
            try (KafkaConsumer<byte[], byte[]> consumer = consumer(cluster)) {
                assertEquals(commits, consumer.committed(commits.keySet(), Duration.ofSeconds(30)),
                        "every committed offset, metadata included, at the new coordinator");
                Map<TopicPartition, OffsetAndMetadata> next = Map.of(new TopicPartition(TOPIC, 1), new OffsetAndMetadata(0, "again"));
                consumer.commitSync(next, Duration.ofSeconds(30));
                assertEquals(next.get(new TopicPartition(TOPIC, 1)),
                        consumer.committed(next.keySet(), Duration.ofSeconds(30)).get(new TopicPartition(TOPIC, 1)));
            }
            try (Admin admin = admin(cluster)) {
                assertNotEquals(coordinator, admin.describeConsumerGroups(List.of(GROUP)).all().get(30, TimeUnit.SECONDS)
                        .get(GROUP).coordinator().id());
            }
        }
    }

    private static KafkaConsumer<byte[], byte[]> consumer(TestCluster cluster) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.bootstrapServers());
        p.put(ConsumerConfig.GROUP_ID_CONFIG, GROUP);
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        p.put(ConsumerConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "30000");
        return new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    }

    private static Admin admin(TestCluster cluster) {
        Properties p = new Properties();
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.bootstrapServers());
        return Admin.create(p);
    }
}
