package io.sluice.kafka;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.channel.EventLoopGroup;
import io.sluice.client.admin.AclBinding;
import io.sluice.client.admin.Admin;
import io.sluice.client.admin.NewTopic;
import io.sluice.client.consumer.Consumer;
import io.sluice.client.consumer.ConsumerRecords;
import io.sluice.client.producer.Producer;
import io.sluice.client.producer.ProducerRecord;
import io.sluice.protocol.ErrorCode;
import io.sluice.protocol.SluiceException;
import io.sluice.protocol.rpc.ApiKey;
import io.sluice.protocol.rpc.FetchPartition;
import io.sluice.protocol.rpc.FetchRequest;
import io.sluice.protocol.rpc.FetchResponse;
import io.sluice.protocol.rpc.MetadataRequest;
import io.sluice.protocol.rpc.MetadataResponse;
import io.sluice.protocol.sasl.SaslCredentials;
import io.sluice.protocol.wire.Transport;
import io.sluice.protocol.wire.WireConnection;
import io.sluice.server.Node;
import io.sluice.server.TestCluster;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Authentication and authorization on Sluice's native protocol, with the Sluice client: a SASL_PLAINTEXT
 * listener that serves the native protocol after SASL (PLAIN from the users file, SCRAM from the
 * quorum, the same SaslServers as Kafka's protocol), the authorizer on, {@code User:admin} a super user.
 * A wrong password is refused; alice may do only what ACLs created through the native Admin grant.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class NativeSecurityIT {
    private static final String SASL = "SASL_PLAINTEXT";
    private TestCluster cluster;
    private Node node;

    @BeforeAll
    void start(@TempDir Path dir) throws Exception {
        Path users = dir.resolve("plain-users.properties");
        Files.writeString(users, "admin=admin-secret\n");
        cluster = TestCluster.start(1, Map.of(
                "listeners", "PLAINTEXT://127.0.0.1:{port},SASL_PLAINTEXT://127.0.0.1:0",
                "sasl.plain.users.file", users.toString(),
                "authorizer.class.name", "io.sluice.security.Authorizer",
                "super.users", "User:admin;User:ANONYMOUS"));
        node = cluster.runningNodes().get(0);
        try (Admin admin = Admin.create(client("PLAIN", "admin", "admin-secret"))) {
            admin.alterUserScramCredentials("alice", Map.of("SCRAM-SHA-512", 8192),
                    Map.of("SCRAM-SHA-512", "alice-secret"), List.of()).get();
        }
    }

    @AfterAll
    void stop() {
        if (cluster != null) {
            cluster.close();
        }
    }

    private Map<String, Object> client(String mechanism, String user, String password) {
        Map<String, Object> p = new HashMap<>();
        p.put("bootstrap.servers", "127.0.0.1:" + node.address(SASL).getPort());
        p.put("security.protocol", SASL);
        p.put("sasl.mechanism", mechanism);
        p.put("sasl.jaas.config", "org.apache.kafka.common.security.scram.ScramLoginModule required username=\""
                + user + "\" password=\"" + password + "\";");
        p.put("request.timeout.ms", "10000");
        return p;
    }

    private Map<String, Object> alice() {
        return client("SCRAM-SHA-512", "alice", "alice-secret");
    }

    private static Throwable cause(Throwable e) {
        while ((e instanceof ExecutionException || e instanceof CompletionException) && e.getCause() != null) {
            e = e.getCause();
        }
        return e;
    }

    private static ErrorCode code(Throwable e) {
        return assertInstanceOf(SluiceException.class, cause(e), () -> "not a SluiceException: " + e).code();
    }

    private static AclBinding allow(String principal, String type, String name, String operation) {
        return new AclBinding(type, name, "LITERAL", principal, "*", operation, "ALLOW");
    }

    @Test
    void aWrongPasswordOrAnUnknownUserIsRefusedWithoutSayingWhich() {
        for (Map<String, Object> bad : List.of(client("SCRAM-SHA-512", "alice", "wrong"),
                client("SCRAM-SHA-512", "mallory", "alice-secret"), client("PLAIN", "admin", "wrong"))) {
            try (Admin admin = Admin.create(bad)) {
                ExecutionException e = assertThrows(ExecutionException.class, () -> admin.listTopics().get());
                assertEquals(ErrorCode.SASL_AUTHENTICATION_FAILED, code(e));
                assertFalse(cause(e).getMessage().contains("alice-secret"), cause(e).getMessage());
            }
        }
    }

    @Test
    void aRequestBeforeSaslClosesTheConnectionAndIsNotServed() throws Exception {
        EventLoopGroup group = Transport.newGroup(1, "native-security-it");
        try {
            WireConnection c = WireConnection.connect(group, node.address(SASL), "stranger", 5_000, 1 << 20).get();
            ExecutionException e = assertThrows(ExecutionException.class, () -> c.call(ApiKey.METADATA,
                    MetadataRequest.newBuilder().setAllTopics(true).build(), MetadataResponse.parser(), 5_000).get());
            assertEquals(ErrorCode.NETWORK_EXCEPTION, code(e));
            TestCluster.await(Duration.ofSeconds(10), "the connection to close", () -> !c.isActive());
        } finally {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
        }
    }

    @Test
    void aliceProducesOnlyWithWriteAndConsumesOnlyWithReadOnTopicAndGroup() throws Exception {
        String topic = "native-acl-orders";
        try (Admin admin = Admin.create(client("PLAIN", "admin", "admin-secret"))) {
            admin.createTopics(List.of(new NewTopic(topic, 1, (short) 1))).get();
        }
        try (Admin aliceAdmin = Admin.create(alice())) {
            // no ACL: the topic is not even visible, and creating one is refused
            assertFalse(aliceAdmin.listTopics().get().contains(topic));
            assertEquals(ErrorCode.TOPIC_AUTHORIZATION_FAILED, code(assertThrows(ExecutionException.class,
                    () -> aliceAdmin.createTopics(List.of(new NewTopic("alice-own", 1, (short) 1))).get())));
            assertEquals(ErrorCode.CLUSTER_AUTHORIZATION_FAILED, code(assertThrows(ExecutionException.class,
                    () -> aliceAdmin.createAcls(List.of(allow("User:alice", "TOPIC", topic, "ALL"))).get())));
        }
        assertEquals(ErrorCode.TOPIC_AUTHORIZATION_FAILED, produceError(topic));

        try (Admin admin = Admin.create(client("PLAIN", "admin", "admin-secret"))) {
            admin.createAcls(List.of(allow("User:alice", "TOPIC", topic, "WRITE"))).get();
            TestCluster.await(Duration.ofSeconds(30), "alice may write", () -> produceError(topic) == null);

            assertEquals(ErrorCode.GROUP_AUTHORIZATION_FAILED, consumeError(topic, "billing"));
            admin.createAcls(List.of(allow("User:alice", "GROUP", "billing", "READ"))).get();
            assertEquals(ErrorCode.TOPIC_AUTHORIZATION_FAILED, consumeError(topic, "billing"));
            admin.createAcls(List.of(allow("User:alice", "TOPIC", topic, "READ"))).get();
            assertEquals(null, consumeError(topic, "billing"));

            List<AclBinding> listed = admin.describeAcls(new AclBinding(null, null, "ANY", "User:alice", null, null,
                    null)).get();
            assertEquals(3, listed.size(), listed.toString());
            List<AclBinding> deleted = admin.deleteAcls(List.of(new AclBinding("TOPIC", topic, "LITERAL", "User:alice",
                    null, "WRITE", null))).get();
            assertEquals(1, deleted.size(), deleted.toString());
            assertEquals(ErrorCode.TOPIC_AUTHORIZATION_FAILED, produceError(topic));
        }
    }

    /** Null when alice's record was appended, else the code it failed with. */
    private ErrorCode produceError(String topic) {
        Map<String, Object> p = alice();
        p.put("delivery.timeout.ms", "15000");
        p.put("max.block.ms", "10000");
        try (Producer<byte[], byte[]> producer = Producer.ofBytes(p)) {
            producer.send(new ProducerRecord<>(topic, null, "v".getBytes(StandardCharsets.UTF_8))).get();
            return null;
        } catch (Exception e) {
            ErrorCode code = code(e);
            assertTrue(code != ErrorCode.INVALID_CONFIG, e.toString());
            return code;
        }
    }

    /** Null when alice consumed the topic in the group from the beginning, else the code she failed with. */
    private ErrorCode consumeError(String topic, String group) {
        Map<String, Object> p = alice();
        p.put("group.id", group);
        p.put("auto.offset.reset", "earliest");
        try (Consumer<byte[], byte[]> consumer = Consumer.ofBytes(p)) {
            consumer.subscribe(List.of(topic));
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (System.nanoTime() < deadline) {
                ConsumerRecords<byte[], byte[]> records = consumer.poll(Duration.ofMillis(500));
                if (!records.isEmpty()) {
                    consumer.commitSync();
                    return null;
                }
            }
            throw new AssertionError("alice consumed nothing from " + topic + " within 30 s");
        } catch (SluiceException e) {
            return e.code();
        }
    }

    @Test
    void aReplicaFetchNeedsClusterActionAndScramUsersAreListedWithoutKeys() throws Exception {
        EventLoopGroup group = Transport.newGroup(1, "native-security-it");
        try {
            WireConnection c = WireConnection.connect(group, node.address(SASL), "alice", 5_000, 1 << 20, null,
                    new SaslCredentials("SCRAM-SHA-512", "alice", "alice-secret")).get();
            ExecutionException e = assertThrows(ExecutionException.class, () -> c.call(ApiKey.FETCH,
                    FetchRequest.newBuilder().setReplicaId(1).addPartitions(FetchPartition.newBuilder()
                            .setTopic("any").setPartition(0)).build(), FetchResponse.parser(), 5_000).get());
            assertEquals(ErrorCode.CLUSTER_AUTHORIZATION_FAILED, code(e));
            assertTrue(c.isActive(), "a refused request keeps the connection");
        } finally {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
        }
        try (Admin admin = Admin.create(client("PLAIN", "admin", "admin-secret"))) {
            var users = admin.describeUserScramCredentials(List.of("alice")).get();
            assertEquals(Set.of("alice"), users.keySet());
            assertEquals("SCRAM-SHA-512", users.get("alice").get(0).mechanism());
            assertEquals(8192, users.get("alice").get(0).iterations());
        }
    }
}
