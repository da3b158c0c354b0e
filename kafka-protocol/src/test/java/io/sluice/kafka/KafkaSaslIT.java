package io.sluice.kafka;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sluice.server.Node;
import io.sluice.server.TestCluster;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.ScramCredentialInfo;
import org.apache.kafka.clients.admin.ScramMechanism;
import org.apache.kafka.clients.admin.UserScramCredentialDeletion;
import org.apache.kafka.clients.admin.UserScramCredentialUpsertion;
import org.apache.kafka.clients.admin.UserScramCredentialsDescription;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.ResourceNotFoundException;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.apache.kafka.common.message.MetadataRequestData;
import org.apache.kafka.common.message.SaslHandshakeRequestData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.SaslHandshakeResponse;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * SASL on a Kafka listener with real kafka-clients: a node with a PLAINTEXT listener (replication,
 * the native protocol, and an unauthenticated Kafka port) and a SASL_PLAINTEXT one; PLAIN users from
 * a file, SCRAM users created through AlterUserScramCredentials and kept in the metadata quorum.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class KafkaSaslIT {
    private static final String SASL = SaslClients.SASL;
    private TestCluster cluster;
    private Node node;

    @BeforeAll
    void start(@TempDir Path dir) throws Exception {
        Path users = dir.resolve("plain-users.properties");
        Files.writeString(users, "admin=admin-secret\nbob=bob-secret\n");
        cluster = TestCluster.start(1, Map.of(
                "listeners", "PLAINTEXT://127.0.0.1:{port},SASL_PLAINTEXT://127.0.0.1:0",
                "sasl.plain.users.file", users.toString()));
        node = cluster.runningNodes().get(0);
    }

    @AfterAll
    void stop() {
        if (cluster != null) {
            cluster.close();
        }
    }

    private String saslBootstrap() {
        return "127.0.0.1:" + node.address(SASL).getPort();
    }

    private Properties sasl(String mechanism, String user, String password) {
        return SaslClients.properties(saslBootstrap(), mechanism, user, password);
    }

    private Admin plaintextAdmin() {
        return Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.bootstrapServers()));
    }

    @Test
    void plainWithTheRightPasswordWorksAndMetadataNamesTheSaslListener() throws Exception {
        try (Admin admin = Admin.create(sasl("PLAIN", "admin", "admin-secret"))) {
            admin.createTopics(List.of(new NewTopic("sasl-plain", 1, (short) 1))).all().get();
            assertTrue(admin.listTopics().names().get().contains("sasl-plain"));
            // The broker's address as told on this listener is the SASL port, not the PLAINTEXT one.
            var nodes = admin.describeCluster().nodes().get();
            assertEquals(List.of(node.address(SASL).getPort()), nodes.stream().map(n -> n.port()).toList());
        }
    }

    @Test
    void plainWithAWrongPasswordOrUnknownUserIsRefused() {
        for (String[] credentials : new String[][]{{"admin", "wrong"}, {"nobody", "admin-secret"}}) {
            try (Admin admin = Admin.create(sasl("PLAIN", credentials[0], credentials[1]))) {
                ExecutionException e = assertThrows(ExecutionException.class, () -> admin.listTopics().names().get());
                assertInstanceOf(SaslAuthenticationException.class, e.getCause());
            }
        }
    }

    @Test
    void scramUserCreatedThroughTheQuorumCanProduceAndIsRefusedWithTheWrongPassword() throws Exception {
        try (Admin admin = plaintextAdmin()) {
            admin.alterUserScramCredentials(List.of(
                    new UserScramCredentialUpsertion("alice", new ScramCredentialInfo(ScramMechanism.SCRAM_SHA_512, 8192),
                            "alice-secret"),
                    new UserScramCredentialUpsertion("carol", new ScramCredentialInfo(ScramMechanism.SCRAM_SHA_256, 4096),
                            "carol-secret"))).all().get();
            Map<String, UserScramCredentialsDescription> described = admin.describeUserScramCredentials().all().get();
            assertEquals(List.of(new ScramCredentialInfo(ScramMechanism.SCRAM_SHA_512, 8192)),
                    described.get("alice").credentialInfos());
            admin.createTopics(List.of(new NewTopic("sasl-scram", 1, (short) 1))).all().get();
        }
        Properties producer = sasl("SCRAM-SHA-512", "alice", "alice-secret");
        producer.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, "20000");
        try (KafkaProducer<String, String> p = new KafkaProducer<>(producer, new StringSerializer(), new StringSerializer())) {
            assertEquals(0, p.send(new ProducerRecord<>("sasl-scram", "k", "v")).get().offset());
        }
        try (Admin carol = Admin.create(sasl("SCRAM-SHA-256", "carol", "carol-secret"))) {
            assertTrue(carol.listTopics().names().get().contains("sasl-scram"));
        }
        for (Properties bad : List.of(sasl("SCRAM-SHA-512", "alice", "wrong"),
                sasl("SCRAM-SHA-256", "alice", "alice-secret"), // alice has no SHA-256 credential
                sasl("SCRAM-SHA-512", "nobody", "alice-secret"))) {
            try (Admin admin = Admin.create(bad)) {
                ExecutionException e = assertThrows(ExecutionException.class, () -> admin.listTopics().names().get());
                assertInstanceOf(SaslAuthenticationException.class, e.getCause());
            }
        }
    }

    @Test
    void aDeletedScramCredentialNoLongerAuthenticates() throws Exception {
        try (Admin admin = plaintextAdmin()) {
            admin.alterUserScramCredentials(List.of(new UserScramCredentialUpsertion("dave",
                    new ScramCredentialInfo(ScramMechanism.SCRAM_SHA_256, 4096), "dave-secret"))).all().get();
            try (Admin dave = Admin.create(sasl("SCRAM-SHA-256", "dave", "dave-secret"))) {
                dave.listTopics().names().get();
            }
            admin.alterUserScramCredentials(List.of(new UserScramCredentialDeletion("dave",
                    ScramMechanism.SCRAM_SHA_256))).all().get();
            ExecutionException missing = assertThrows(ExecutionException.class, () -> admin.alterUserScramCredentials(
                    List.of(new UserScramCredentialDeletion("dave", ScramMechanism.SCRAM_SHA_256))).all().get());
            assertInstanceOf(ResourceNotFoundException.class, missing.getCause());
        }
        try (Admin dave = Admin.create(sasl("SCRAM-SHA-256", "dave", "dave-secret"))) {
            ExecutionException e = assertThrows(ExecutionException.class, () -> dave.listTopics().names().get());
            assertInstanceOf(SaslAuthenticationException.class, e.getCause());
        }
    }

    @Test
    void aRequestBeforeAuthenticationClosesTheConnection() throws IOException {
        try (KafkaWire wire = new KafkaWire(new InetSocketAddress("127.0.0.1", node.address(SASL).getPort()))) {
            wire.send(KafkaWire.frame(ApiKeys.METADATA, (short) 12, 1, new MetadataRequestData()));
            assertEquals(List.of(), wire.drainUntilClosed());
        }
    }

    @Test
    void anUnknownMechanismIsUnsupportedAndAPlaintextHandshakeIsIllegal() throws IOException {
        try (KafkaWire wire = new KafkaWire(new InetSocketAddress("127.0.0.1", node.address(SASL).getPort()))) {
            SaslHandshakeResponse r = (SaslHandshakeResponse) wire.roundTrip(ApiKeys.SASL_HANDSHAKE, (short) 1, 1,
                    new SaslHandshakeRequestData().setMechanism("GSSAPI"));
            assertEquals(Errors.UNSUPPORTED_SASL_MECHANISM, r.error());
            assertEquals(List.of("PLAIN", "SCRAM-SHA-256", "SCRAM-SHA-512"), r.data().mechanisms());
            assertEquals(List.of(), wire.drainUntilClosed());
        }
        try (KafkaWire wire = new KafkaWire(cluster.address(node.nodeId()))) {
            SaslHandshakeResponse r = (SaslHandshakeResponse) wire.roundTrip(ApiKeys.SASL_HANDSHAKE, (short) 1, 1,
                    new SaslHandshakeRequestData().setMechanism("PLAIN"));
            assertEquals(Errors.ILLEGAL_SASL_STATE, r.error());
        }
    }
}
