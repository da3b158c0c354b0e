package io.sluice.kafka;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sluice.replication.Partition;
import io.sluice.server.Node;
import io.sluice.server.TestCluster;
import io.sluice.protocol.TopicPartition;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.CreateTopicsOptions;
import org.apache.kafka.clients.admin.DescribeClusterResult;
import org.apache.kafka.clients.admin.LogDirDescription;
import org.apache.kafka.clients.admin.NewPartitions;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.QuorumInfo;
import org.apache.kafka.clients.admin.RecordsToDelete;
import org.apache.kafka.clients.admin.ReplicaInfo;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.ElectionType;
import org.apache.kafka.common.TopicCollection;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.errors.ElectionNotNeededException;
import org.apache.kafka.common.errors.InvalidConfigurationException;
import org.apache.kafka.common.errors.InvalidPartitionsException;
import org.apache.kafka.common.errors.InvalidReplicationFactorException;
import org.apache.kafka.common.errors.InvalidRequestException;
import org.apache.kafka.common.errors.OffsetOutOfRangeException;
import org.apache.kafka.common.errors.PolicyViolationException;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnknownTopicIdException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.SimpleRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

/**
 * Kafka's own admin client against a three-node in-process Sluice cluster, over the Kafka protocol:
 * every admin API answers as Kafka's would, with the exception types Kafka's clients raise.
 */
@Timeout(120)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class KafkaAdminIT {
    private static final Duration WAIT = Duration.ofSeconds(30);
    private TestCluster cluster;
    private Admin admin;

    @BeforeAll
    void start() throws Exception {
        // No background rebalancing: the election test decides when leadership moves back.
        cluster = TestCluster.start(3, Map.of("auto.leader.rebalance.enable", "false"));
        Properties props = new Properties();
        props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.bootstrapServers());
        props.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "30000");
        admin = Admin.create(props);
    }

    /** The election test stops and restarts a node: every test starts with all three registered and unfenced. */
    @BeforeEach
    void everyBrokerUp() {
        cluster.awaitReady(WAIT);
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

    private static Throwable cause(Future<?> future) {
        return assertThrows(ExecutionException.class, future::get).getCause();
    }

    private TopicDescription describe(String topic) throws Exception {
        return admin.describeTopics(List.of(topic)).allTopicNames().get().get(topic);
    }

    @Test
    void createsDescribesAndListsTopics() throws Exception {
        var result = admin.createTopics(List.of(new NewTopic("orders", 3, (short) 2)
                .configs(Map.of("retention.ms", "3600000"))));
        result.all().get();
        assertNotEquals(Uuid.ZERO_UUID, result.topicId("orders").get());
        assertEquals(3, result.numPartitions("orders").get());
        assertEquals("3600000", result.config("orders").get().get("retention.ms").value());
        TopicDescription d = describe("orders");
        assertEquals(3, d.partitions().size());
        d.partitions().forEach(p -> assertEquals(2, p.replicas().size()));
        assertTrue(admin.listTopics().names().get().contains("orders"));

        admin.createTopics(List.of(new NewTopic("defaults", java.util.Optional.empty(), java.util.Optional.empty())))
                .all().get();
        assertEquals(1, describe("defaults").partitions().size(), "num.partitions defaults to 1");
    }

    @Test
    void refusesBadTopicsWithKafkasExceptions() throws Exception {
        create(new NewTopic("dup", 1, (short) 1), false).get();
        assertInstanceOf(TopicExistsException.class, cause(create(new NewTopic("dup", 1, (short) 1), false)));
        assertInstanceOf(InvalidPartitionsException.class, cause(create(new NewTopic("zero", 0, (short) 1), false)));
        Throwable rf = cause(create(new NewTopic("wide", 1, (short) 5), false));
        assertInstanceOf(InvalidReplicationFactorException.class, rf);
        assertTrue(rf.getMessage().contains("available"), rf.getMessage());
        Throwable config = cause(create(new NewTopic("conf", 1, (short) 1).configs(Map.of("retention.ms", "soon")), false));
        assertInstanceOf(InvalidConfigurationException.class, config);
        assertTrue(config.getMessage().contains("retention.ms"), config.getMessage());
        assertInstanceOf(InvalidConfigurationException.class,
                cause(create(new NewTopic("conf2", 1, (short) 1).configs(Map.of("no.such.key", "1")), false)));
        assertInstanceOf(PolicyViolationException.class,
                cause(create(new NewTopic("manual", Map.of(0, List.of(1, 2))), false)));
    }

    private Future<Void> create(NewTopic topic, boolean validateOnly) {
        return admin.createTopics(List.of(topic), new CreateTopicsOptions().validateOnly(validateOnly)).all();
    }

    @Test
    void validateOnlyChecksWithoutCreating() throws Exception {
        admin.createTopics(List.of(new NewTopic("dry", 2, (short) 3)), new CreateTopicsOptions().validateOnly(true))
                .all().get();
        assertFalse(admin.listTopics().names().get().contains("dry"));
        assertInstanceOf(InvalidReplicationFactorException.class, cause(create(new NewTopic("dry", 2, (short) 4), true)));
    }

    @Test
    void growsPartitionsButNeverShrinks() throws Exception {
        admin.createTopics(List.of(new NewTopic("grow", 2, (short) 1))).all().get();
        admin.createPartitions(Map.of("grow", NewPartitions.increaseTo(4))).all().get();
        assertEquals(4, describe("grow").partitions().size());
        assertInstanceOf(InvalidPartitionsException.class,
                cause(admin.createPartitions(Map.of("grow", NewPartitions.increaseTo(3))).all()));
        assertInstanceOf(UnknownTopicOrPartitionException.class,
                cause(admin.createPartitions(Map.of("nope", NewPartitions.increaseTo(3))).all()));
    }

    @Test
    void describesAndAltersTopicConfigsAndDescribesBrokerConfigs() throws Exception {
        admin.createTopics(List.of(new NewTopic("configured", 1, (short) 1))).all().get();
        ConfigResource topic = new ConfigResource(ConfigResource.Type.TOPIC, "configured");
        admin.incrementalAlterConfigs(Map.of(topic, List.of(
                new AlterConfigOp(new ConfigEntry("retention.ms", "60000"), AlterConfigOp.OpType.SET),
                new AlterConfigOp(new ConfigEntry("max.message.bytes", "2048"), AlterConfigOp.OpType.SET)))).all().get();
        Config config = admin.describeConfigs(List.of(topic)).all().get().get(topic);
        assertEquals("60000", config.get("retention.ms").value());
        assertEquals(ConfigEntry.ConfigSource.DYNAMIC_TOPIC_CONFIG, config.get("retention.ms").source());
        assertEquals(ConfigEntry.ConfigSource.DEFAULT_CONFIG, config.get("segment.bytes").source());

        admin.incrementalAlterConfigs(Map.of(topic, List.of(
                new AlterConfigOp(new ConfigEntry("retention.ms", ""), AlterConfigOp.OpType.DELETE)))).all().get();
        config = admin.describeConfigs(List.of(topic)).all().get().get(topic);
        assertEquals("604800000", config.get("retention.ms").value());
        assertEquals("2048", config.get("max.message.bytes").value());

        assertInstanceOf(InvalidConfigurationException.class, cause(admin.incrementalAlterConfigs(Map.of(topic, List.of(
                new AlterConfigOp(new ConfigEntry("retention.ms", "1"), AlterConfigOp.OpType.APPEND)))).all()));
        assertInstanceOf(InvalidConfigurationException.class, cause(admin.incrementalAlterConfigs(Map.of(topic, List.of(
                new AlterConfigOp(new ConfigEntry("retention.ms", "never"), AlterConfigOp.OpType.SET)))).all()));

        ConfigResource broker = new ConfigResource(ConfigResource.Type.BROKER, "2");
        Config brokerConfig = admin.describeConfigs(List.of(broker)).all().get().get(broker);
        assertEquals("2", brokerConfig.get("node.id").value());
        assertTrue(brokerConfig.get("num.partitions").isReadOnly());
        assertInstanceOf(InvalidRequestException.class, cause(admin.incrementalAlterConfigs(Map.of(broker, List.of(
                new AlterConfigOp(new ConfigEntry("num.partitions", "3"), AlterConfigOp.OpType.SET)))).all()));
    }

    @Test
    void deletesTopicsByNameAndById() throws Exception {
        var created = admin.createTopics(List.of(new NewTopic("gone-by-name", 1, (short) 1),
                new NewTopic("gone-by-id", 1, (short) 1)));
        created.all().get();
        Uuid id = created.topicId("gone-by-id").get();
        admin.deleteTopics(List.of("gone-by-name")).all().get();
        admin.deleteTopics(TopicCollection.ofTopicIds(List.of(id))).all().get();
        Set<String> names = admin.listTopics().names().get();
        assertFalse(names.contains("gone-by-name"));
        assertFalse(names.contains("gone-by-id"));
        assertInstanceOf(UnknownTopicOrPartitionException.class,
                cause(admin.deleteTopics(List.of("gone-by-name")).all()));
        assertInstanceOf(UnknownTopicIdException.class,
                cause(admin.deleteTopics(TopicCollection.ofTopicIds(List.of(id))).all()));
    }

    @Test
    void describesTheClusterAndTheQuorum() throws Exception {
        DescribeClusterResult result = admin.describeCluster();
        assertEquals(3, result.nodes().get().size());
        assertNotNull(result.controller().get());
        assertEquals(cluster.node(1).metadata().image().clusterId(), result.clusterId().get());

        QuorumInfo quorum = admin.describeMetadataQuorum().quorumInfo().get();
        assertTrue(Set.of(1, 2, 3).contains(quorum.leaderId()), "leader " + quorum.leaderId());
        assertEquals(3, quorum.voters().size());
        assertTrue(quorum.highWatermark() > 0);
        assertEquals(3, quorum.nodes().size());
    }

    @Test
    void deletesRecordsOnTheLeaderAndItsFollowers() throws Exception {
        admin.createTopics(List.of(new NewTopic("trimmed", 1, (short) 3))).all().get();
        TopicPartition tp = new TopicPartition("trimmed", 0);
        Partition leader = awaitLeader(tp);
        for (int i = 0; i < 10; i++) {
            MemoryRecords batch = MemoryRecords.withRecords(Compression.NONE,
                    new SimpleRecord(("v" + i).getBytes(StandardCharsets.UTF_8)));
            assertTrue(leader.appendAsLeader(batch.buffer(), 1, 1).succeeded());
        }
        await().atMost(WAIT).until(() -> replicas(tp).stream().allMatch(p -> p.log().highWatermark() == 10));

        org.apache.kafka.common.TopicPartition kafkaTp = new org.apache.kafka.common.TopicPartition("trimmed", 0);
        assertEquals(4, admin.deleteRecords(Map.of(kafkaTp, RecordsToDelete.beforeOffset(4)))
                .lowWatermarks().get(kafkaTp).get().lowWatermark());
        await().atMost(WAIT).until(() -> replicas(tp).stream().allMatch(p -> p.log().logStartOffset() == 4));
        assertInstanceOf(OffsetOutOfRangeException.class,
                cause(admin.deleteRecords(Map.of(kafkaTp, RecordsToDelete.beforeOffset(11))).all()));

        Map<Integer, Map<String, LogDirDescription>> dirs = admin.describeLogDirs(List.of(1, 2, 3)).allDescriptions().get();
        assertEquals(3, dirs.size());
        for (Map<String, LogDirDescription> byDir : dirs.values()) {
            assertEquals(1, byDir.size());
            ReplicaInfo info = byDir.values().iterator().next().replicaInfos().get(kafkaTp);
            assertNotNull(info);
            assertTrue(info.size() > 0);
            assertEquals(0, info.offsetLag());
        }
    }

    private Partition awaitLeader(TopicPartition tp) {
        return await().atMost(WAIT).until(() -> replicas(tp).stream().filter(Partition::isLeader).findFirst().orElse(null),
                java.util.Objects::nonNull);
    }

    private List<Partition> replicas(TopicPartition tp) {
        List<Partition> out = new ArrayList<>();
        for (Node node : cluster.runningNodes()) {
            node.replicas().partition(tp).ifPresent(out::add);
        }
        return out;
    }

    @Test
    void electsPreferredLeadersAndRefusesUncleanElections() throws Exception {
        admin.createTopics(List.of(new NewTopic("elected", 3, (short) 3))).all().get();
        org.apache.kafka.common.TopicPartition p0 = new org.apache.kafka.common.TopicPartition("elected", 0);
        await().atMost(WAIT).until(() -> describe("elected").partitions().get(0).isr().size() == 3);
        assertInstanceOf(ElectionNotNeededException.class,
                admin.electLeaders(ElectionType.PREFERRED, Set.of(p0)).partitions().get().get(p0).orElseThrow());
        var unclean = admin.electLeaders(ElectionType.UNCLEAN, Set.of(p0)).partitions().get().get(p0);
        assertTrue(unclean.isPresent());
        assertInstanceOf(InvalidRequestException.class, unclean.get());

        // Move the leadership of p0 away from its preferred replica, then back.
        int preferred = describe("elected").partitions().get(0).replicas().get(0).id();
        cluster.stopNode(preferred);
        await().atMost(WAIT).until(() -> leaderOf("elected", 0) != preferred && leaderOf("elected", 0) >= 0);
        cluster.startNode(preferred);
        cluster.awaitReady(WAIT); // an ISR member that is still fenced cannot be elected
        await().atMost(WAIT).until(() -> describe("elected").partitions().get(0).isr().size() == 3);
        Map<org.apache.kafka.common.TopicPartition, java.util.Optional<Throwable>> results =
                admin.electLeaders(ElectionType.PREFERRED, null).partitions().get();
        assertEquals(java.util.Optional.empty(), results.get(p0));
        assertEquals(preferred, leaderOf("elected", 0));
    }

    private int leaderOf(String topic, int partition) throws Exception {
        var leader = describe(topic).partitions().get(partition).leader();
        return leader == null ? -1 : leader.id();
    }
}
