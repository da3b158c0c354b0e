package io.sluice.kafka;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sluice.server.Node;
import io.sluice.server.TestCluster;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.NewPartitions;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.RecordsToDelete;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.errors.ClusterAuthorizationException;
import org.apache.kafka.clients.admin.ScramCredentialInfo;
import org.apache.kafka.clients.admin.ScramMechanism;
import org.apache.kafka.clients.admin.UserScramCredentialUpsertion;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.acl.AccessControlEntry;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AccessControlEntryFilter;
import org.apache.kafka.common.acl.AclBindingFilter;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.GroupAuthorizationException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourcePatternFilter;
import org.apache.kafka.common.resource.ResourceType;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * ACLs end to end with real kafka-clients over SASL: a node with the authorizer on
 * ({@code authorizer.class.name} = Kafka's StandardAuthorizer name), {@code User:admin} a super user
 * (a PLAIN user), everyone else allowed only what ACLs created through {@code Admin.createAcls} allow.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class KafkaAclIT {
    private static final String SASL = SaslClients.SASL;
    private TestCluster cluster;
    private Node node;

    @BeforeAll
    void start(@TempDir Path dir) throws Exception {
        Path users = dir.resolve("plain-users.properties");
        Files.writeString(users, "admin=admin-secret\nbob=bob-secret\n");
        cluster = TestCluster.start(1, Map.of(
                "listeners", "PLAINTEXT://127.0.0.1:{port},SASL_PLAINTEXT://127.0.0.1:0",
                "sasl.plain.users.file", users.toString(),
                "authorizer.class.name", "org.apache.kafka.metadata.authorizer.StandardAuthorizer",
                "super.users", "User:admin;User:ANONYMOUS"));
        node = cluster.runningNodes().get(0);
    }

    @AfterAll
    void stop() {
        if (cluster != null) {
            cluster.close();
        }
    }

    Properties client(String mechanism, String user, String password) {
        return SaslClients.properties("127.0.0.1:" + node.address(SASL).getPort(), mechanism, user, password);
    }

    Admin superUser() {
        return Admin.create(client("PLAIN", "admin", "admin-secret"));
    }

    static AclBinding acl(String principal, ResourceType type, String name, PatternType pattern, AclOperation op,
                          AclPermissionType permission) {
        return new AclBinding(new ResourcePattern(type, name, pattern), new AccessControlEntry(principal, "*", op,
                permission));
    }

    static Throwable cause(Exception e) {
        return e instanceof ExecutionException && e.getCause() != null ? e.getCause() : e;
    }

    private KafkaProducer<String, String> producer(Properties p) {
        p.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, "10000");
        p.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, "15000");
        p.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, "10000");
        return new KafkaProducer<>(p, new StringSerializer(), new StringSerializer());
    }

    @Test
    void aliceProducesOnlyOnceGrantedWriteAndConsumesOnlyWithReadOnTopicAndGroup() throws Exception {
        try (Admin admin = superUser()) {
            admin.alterUserScramCredentials(List.of(new UserScramCredentialUpsertion("alice",
                    new ScramCredentialInfo(ScramMechanism.SCRAM_SHA_512, 8192), "alice-secret"))).all().get();
            admin.createTopics(List.of(new NewTopic("orders", 1, (short) 1))).all().get();
        }
        Properties alice = client("SCRAM-SHA-512", "alice", "alice-secret");
        try (KafkaProducer<String, String> p = producer(alice)) {
            ExecutionException e = assertThrows(ExecutionException.class,
                    () -> p.send(new ProducerRecord<>("orders", "k", "refused")).get());
            assertInstanceOf(AuthorizationException.class, e.getCause());
        }
        try (Admin admin = superUser()) {
            admin.createAcls(List.of(acl("User:alice", ResourceType.TOPIC, "orders", PatternType.LITERAL,
                    AclOperation.WRITE, AclPermissionType.ALLOW))).all().get();
        }
        try (KafkaProducer<String, String> p = producer(client("SCRAM-SHA-512", "alice", "alice-secret"))) {
            assertEquals(0, p.send(new ProducerRecord<>("orders", "k", "v1")).get().offset());
        }

        Properties c = client("SCRAM-SHA-512", "alice", "alice-secret");
        c.put(ConsumerConfig.GROUP_ID_CONFIG, "billing");
        c.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        // As with Kafka, the consumer meets the group's authorization first (FindCoordinator, JoinGroup).
        assertInstanceOf(GroupAuthorizationException.class, consumeFailure(c), "no ACL on the group");
        try (Admin admin = superUser()) {
            admin.createAcls(List.of(acl("User:alice", ResourceType.GROUP, "bill", PatternType.PREFIXED,
                    AclOperation.READ, AclPermissionType.ALLOW))).all().get();
        }
        assertInstanceOf(TopicAuthorizationException.class, consumeFailure(c),
                "READ on the group; WRITE on the topic does not allow reading it");
        try (Admin admin = superUser()) {
            admin.createAcls(List.of(acl("User:alice", ResourceType.TOPIC, "orders", PatternType.LITERAL,
                    AclOperation.READ, AclPermissionType.ALLOW))).all().get();
            Collection<AclBinding> listed = admin.describeAcls(new AclBindingFilter(
                    new ResourcePatternFilter(ResourceType.ANY, "orders", PatternType.MATCH),
                    AccessControlEntryFilter.ANY)).values().get();
            assertEquals(2, listed.size(), listed.toString());
        }
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(c, new StringDeserializer(),
                new StringDeserializer())) {
            consumer.subscribe(List.of("orders"));
            List<String> values = new ArrayList<>();
            await().atMost(Duration.ofSeconds(60)).until(() -> {
                consumer.poll(Duration.ofMillis(200)).forEach(r -> values.add(r.value()));
                return !values.isEmpty();
            });
            assertEquals(List.of("v1"), values);
            consumer.commitSync();
        }
    }

    /** What a case needs before it is run: topics, records, committed offsets (as the super user). */
    @FunctionalInterface
    interface Step {
        void run(Admin admin, String name) throws Exception;
    }

    /**
     * One API in the matrix: {@code call} as bob on resource {@code name}, which needs {@code operation} on
     * {@code type} (named by the prefix {@code base}, or the cluster); {@code background} are ACLs the
     * call needs besides (on other resources).
     */
    record Case(String api, ResourceType type, String base, AclOperation operation, Step prepare, Step call,
                Class<? extends AuthorizationException> refused, List<AclBinding> background) {
        Case(String api, ResourceType type, String base, AclOperation operation, Step prepare, Step call,
             Class<? extends AuthorizationException> refused) {
            this(api, type, base, operation, prepare, call, refused, List.of());
        }
    }

    enum State { NO_ACL, ALLOWED, DENIED }

    private static final String GROUPS_TOPIC = "mx-groups-topic";
    private static final Step NOTHING = (admin, name) -> { };
    private static final Step TOPIC = (admin, name) -> admin.createTopics(List.of(new NewTopic(name, 1, (short) 1)))
            .all().get();

    private Step topicWithARecord() {
        return (admin, name) -> {
            TOPIC.run(admin, name);
            try (KafkaProducer<String, String> p = producer(client("PLAIN", "admin", "admin-secret"))) {
                p.send(new ProducerRecord<>(name, "k", "v")).get();
            }
        };
    }

    private static final Step GROUP_WITH_OFFSETS = (admin, name) -> admin.alterConsumerGroupOffsets(name,
            Map.of(new TopicPartition(GROUPS_TOPIC, 0), new OffsetAndMetadata(0))).all().get();

    private List<Case> cases() {
        AclBinding readGroupsTopic = acl("User:bob", ResourceType.TOPIC, GROUPS_TOPIC, PatternType.LITERAL,
                AclOperation.READ, AclPermissionType.ALLOW);
        Class<TopicAuthorizationException> topicRefused = TopicAuthorizationException.class;
        Class<GroupAuthorizationException> groupRefused = GroupAuthorizationException.class;
        Class<ClusterAuthorizationException> clusterRefused = ClusterAuthorizationException.class;
        return List.of(
                new Case("Produce", ResourceType.TOPIC, "mx-produce", AclOperation.WRITE, TOPIC, (bob, name) -> {
                    try (KafkaProducer<String, String> p = producer(client("PLAIN", "bob", "bob-secret"))) {
                        p.send(new ProducerRecord<>(name, "k", "v")).get();
                    }
                }, AuthorizationException.class),
                new Case("Fetch", ResourceType.TOPIC, "mx-fetch", AclOperation.READ, topicWithARecord(),
                        (bob, name) -> assertEquals(1, fetchAll(name)), topicRefused),
                new Case("Metadata", ResourceType.TOPIC, "mx-describe", AclOperation.DESCRIBE, TOPIC,
                        (bob, name) -> bob.describeTopics(List.of(name)).allTopicNames().get(), topicRefused),
                new Case("ListOffsets", ResourceType.TOPIC, "mx-offsets", AclOperation.DESCRIBE, topicWithARecord(),
                        (bob, name) -> assertEquals(1, bob.listOffsets(Map.of(new TopicPartition(name, 0),
                                OffsetSpec.latest())).all().get().get(new TopicPartition(name, 0)).offset()), topicRefused),
                new Case("CreateTopics", ResourceType.TOPIC, "mx-create", AclOperation.CREATE, NOTHING,
                        (bob, name) -> TOPIC.run(bob, name), topicRefused),
                new Case("DeleteTopics", ResourceType.TOPIC, "mx-delete", AclOperation.DELETE, TOPIC,
                        (bob, name) -> bob.deleteTopics(List.of(name)).all().get(), topicRefused),
                new Case("DescribeConfigs", ResourceType.TOPIC, "mx-dconf", AclOperation.DESCRIBE_CONFIGS, TOPIC,
                        (bob, name) -> bob.describeConfigs(List.of(new ConfigResource(ConfigResource.Type.TOPIC, name)))
                                .all().get(), topicRefused),
                new Case("IncrementalAlterConfigs", ResourceType.TOPIC, "mx-aconf", AclOperation.ALTER_CONFIGS, TOPIC,
                        (bob, name) -> bob.incrementalAlterConfigs(Map.of(new ConfigResource(ConfigResource.Type.TOPIC,
                                name), List.of(new AlterConfigOp(new ConfigEntry("retention.ms", "1000000"),
                                AlterConfigOp.OpType.SET)))).all().get(), topicRefused),
                new Case("CreatePartitions", ResourceType.TOPIC, "mx-parts", AclOperation.ALTER, TOPIC,
                        (bob, name) -> bob.createPartitions(Map.of(name, NewPartitions.increaseTo(2))).all().get(),
                        topicRefused),
                new Case("DeleteRecords", ResourceType.TOPIC, "mx-delrec", AclOperation.DELETE, topicWithARecord(),
                        (bob, name) -> bob.deleteRecords(Map.of(new TopicPartition(name, 0),
                                RecordsToDelete.beforeOffset(1))).all().get(), topicRefused),
                new Case("DescribeGroups", ResourceType.GROUP, "mx-dgroup", AclOperation.DESCRIBE, GROUP_WITH_OFFSETS,
                        (bob, name) -> bob.describeConsumerGroups(List.of(name)).all().get(), groupRefused),
                new Case("DeleteGroups", ResourceType.GROUP, "mx-delgroup", AclOperation.DELETE, GROUP_WITH_OFFSETS,
                        (bob, name) -> bob.deleteConsumerGroups(List.of(name)).all().get(), groupRefused),
                new Case("OffsetCommit", ResourceType.GROUP, "mx-commit", AclOperation.READ, NOTHING,
                        GROUP_WITH_OFFSETS, groupRefused, List.of(readGroupsTopic)),
                new Case("OffsetFetch", ResourceType.GROUP, "mx-ofetch", AclOperation.DESCRIBE, GROUP_WITH_OFFSETS,
                        (bob, name) -> assertEquals(0, bob.listConsumerGroupOffsets(name).partitionsToOffsetAndMetadata()
                                .get().get(new TopicPartition(GROUPS_TOPIC, 0)).offset()), groupRefused,
                        List.of(readGroupsTopic)),
                new Case("CreateAcls", ResourceType.CLUSTER, "kafka-cluster", AclOperation.ALTER, NOTHING,
                        (bob, name) -> bob.createAcls(List.of(acl("User:carol", ResourceType.TOPIC, name,
                                PatternType.LITERAL, AclOperation.READ, AclPermissionType.ALLOW))).all().get(),
                        clusterRefused),
                new Case("DescribeAcls", ResourceType.CLUSTER, "kafka-cluster", AclOperation.DESCRIBE, NOTHING,
                        (bob, name) -> bob.describeAcls(AclBindingFilter.ANY).values().get(), clusterRefused),
                new Case("AlterUserScramCredentials", ResourceType.CLUSTER, "kafka-cluster", AclOperation.ALTER, NOTHING,
                        (bob, name) -> bob.alterUserScramCredentials(List.of(new UserScramCredentialUpsertion(name,
                                new ScramCredentialInfo(ScramMechanism.SCRAM_SHA_256, 4096), "secret"))).all().get(),
                        clusterRefused));
    }

    @Test
    void everyApiIsAllowedByItsAclAndRefusedWithoutOneOrWithADeny() throws Exception {
        try (Admin admin = superUser()) {
            TOPIC.run(admin, GROUPS_TOPIC);
        }
        for (Case c : cases()) {
            for (State state : State.values()) {
                String name = c.type() == ResourceType.CLUSTER ? "mx-" + c.api().toLowerCase() + "-" + state
                        : c.base() + "-" + state.name().toLowerCase();
                PatternType pattern = c.type() == ResourceType.CLUSTER ? PatternType.LITERAL : PatternType.PREFIXED;
                List<AclBinding> acls = new ArrayList<>(c.background());
                if (state != State.NO_ACL) {
                    acls.add(acl("User:bob", c.type(), c.base(), pattern,
                            state == State.ALLOWED ? c.operation() : AclOperation.ALL, AclPermissionType.ALLOW));
                }
                if (state == State.DENIED) {
                    acls.add(acl("User:bob", c.type(), c.base(), pattern, c.operation(), AclPermissionType.DENY));
                }
                try (Admin admin = superUser()) {
                    c.prepare().run(admin, name);
                    if (!acls.isEmpty()) {
                        admin.createAcls(acls).all().get();
                    }
                }
                try (Admin bob = Admin.create(client("PLAIN", "bob", "bob-secret"))) {
                    if (state == State.ALLOWED) {
                        c.call().run(bob, name);
                    } else {
                        Exception e = assertThrows(Exception.class, () -> c.call().run(bob, name), c.api() + " " + state);
                        assertInstanceOf(c.refused(), cause(e), c.api() + " " + state);
                    }
                } finally {
                    try (Admin admin = superUser()) {
                        admin.deleteAcls(acls.stream().map(AclBinding::toFilter).toList()).all().get();
                    }
                }
            }
        }
    }

    /** How many records bob reads from partition 0 of {@code topic} without a group, or his refusal. */
    private int fetchAll(String topic) {
        Properties p = client("PLAIN", "bob", "bob-secret");
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(p, new StringDeserializer(),
                new StringDeserializer())) {
            consumer.assign(List.of(new TopicPartition(topic, 0)));
            int[] read = new int[1];
            await().atMost(Duration.ofSeconds(30)).until(() -> {
                read[0] += consumer.poll(Duration.ofMillis(200)).count();
                return read[0] > 0;
            });
            return read[0];
        }
    }

    /** The exception a subscribed consumer of {@code orders} meets, polling until it meets one. */
    private static Exception consumeFailure(Properties c) {
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(c, new StringDeserializer(),
                new StringDeserializer())) {
            consumer.subscribe(List.of("orders"));
            Exception[] failure = new Exception[1];
            await().atMost(Duration.ofSeconds(60)).until(() -> {
                try {
                    ConsumerRecords<String, String> records = consumer.poll(Duration.ofMillis(200));
                    assertTrue(records.isEmpty(), "consumed without authorization: " + records.count());
                    return false;
                } catch (AuthorizationException e) {
                    failure[0] = e;
                    return true;
                }
            });
            return failure[0];
        }
    }
}
