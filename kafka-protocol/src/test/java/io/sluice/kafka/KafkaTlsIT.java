package io.sluice.kafka;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.awaitility.Awaitility.await;

import io.sluice.network.CertificateAuthority;
import io.sluice.server.Node;
import io.sluice.server.TestCluster;
import java.nio.file.Files;
import javax.net.ssl.X509TrustManager;
import javax.net.ssl.TrustManager;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLContext;
import javax.net.ssl.KeyManagerFactory;
import java.time.Instant;
import java.security.cert.X509Certificate;
import java.security.KeyStore;
import java.nio.charset.StandardCharsets;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.ScramCredentialInfo;
import org.apache.kafka.clients.admin.ScramMechanism;
import org.apache.kafka.clients.admin.UserScramCredentialUpsertion;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.SaslConfigs;
import org.apache.kafka.common.config.SslConfigs;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * TLS with real kafka-clients against a three-node cluster whose every listener is encrypted: the
 * inter-broker listener INTERNAL (SSL, client certificates required: replication and heartbeats run
 * over it), an SSL listener and a SASL_SSL one; the Raft traffic of the metadata quorum is mutual TLS too.
 * The node keystore is PKCS12, the truststore PEM.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class KafkaTlsIT {
    private TestCluster cluster;
    private Path caPem;
    private CertificateAuthority ca;

    @BeforeAll
    void start(@TempDir Path dir) throws Exception {
        ca = CertificateAuthority.create("sluice-test-ca", 1);
        caPem = dir.resolve("ca.pem");
        Files.writeString(caPem, ca.certificatePem());
        Path keystore = dir.resolve("node.p12");
        ca.issue("CN=node,OU=sluice", List.of("localhost", "127.0.0.1"), 1)
                .writePkcs12(keystore, "node", "node-secret".toCharArray());
        Map<String, String> s = new HashMap<>();
        s.put("listeners", "INTERNAL://127.0.0.1:{port},SSL://127.0.0.1:0,SASL_SSL://127.0.0.1:0");
        s.put("listener.security.protocol.map", "INTERNAL:SSL,SSL:SSL,SASL_SSL:SASL_SSL");
        s.put("inter.broker.listener.name", "INTERNAL");
        s.put("ssl.keystore.type", "PKCS12");
        s.put("ssl.keystore.location", keystore.toString());
        s.put("ssl.keystore.password", "node-secret");
        s.put("ssl.truststore.type", "PEM");
        s.put("ssl.truststore.location", caPem.toString());
        s.put("ssl.client.auth", "requested");
        s.put("listener.name.internal.ssl.client.auth", "required");
        s.put("min.insync.replicas", "2");
        s.put("raft.ssl.enabled", "true");
        cluster = TestCluster.start(3, s);
    }

    @AfterAll
    void stop() {
        if (cluster != null) {
            cluster.close();
        }
    }

    private String bootstrap(String listener) {
        Node node = cluster.runningNodes().get(0);
        return "127.0.0.1:" + node.address(listener).getPort();
    }

    private Properties ssl() {
        Properties p = new Properties();
        p.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, bootstrap("SSL"));
        p.put(CommonClientConfigs.SECURITY_PROTOCOL_CONFIG, "SSL");
        p.put(SslConfigs.SSL_TRUSTSTORE_TYPE_CONFIG, "PEM");
        p.put(SslConfigs.SSL_TRUSTSTORE_LOCATION_CONFIG, caPem.toString());
        p.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "30000");
        p.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, "10000");
        return p;
    }

    private Properties saslSsl(String user, String password) {
        Properties p = ssl();
        p.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, bootstrap("SASL_SSL"));
        p.put(CommonClientConfigs.SECURITY_PROTOCOL_CONFIG, "SASL_SSL");
        p.put(SaslConfigs.SASL_MECHANISM, "SCRAM-SHA-512");
        p.put(SaslConfigs.SASL_JAAS_CONFIG, "org.apache.kafka.common.security.scram.ScramLoginModule required username=\""
                + user + "\" password=\"" + password + "\";");
        return p;
    }

    @Test
    void producerAndConsumerOverSslWithTopicsReplicatedOverTheTlsInterBrokerListener() throws Exception {
        try (Admin admin = Admin.create(ssl())) {
            admin.createTopics(List.of(new NewTopic("tls-replicated", 1, (short) 3))).all().get();
            // Every follower fetches over TLS with its certificate: all three join the ISR.
            await().atMost(Duration.ofSeconds(60)).until(() -> admin.describeTopics(List.of("tls-replicated"))
                    .allTopicNames().get().get("tls-replicated").partitions().get(0).isr().size() == 3);
        }
        List<byte[]> sent = new ArrayList<>();
        Properties pp = ssl();
        pp.put(ProducerConfig.ACKS_CONFIG, "all");
        pp.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, "30000");
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(pp, new ByteArraySerializer(),
                new ByteArraySerializer())) {
            for (int i = 0; i < 300; i++) {
                byte[] value = new byte[3000 + i];
                new java.util.Random(i).nextBytes(value);
                sent.add(value);
                producer.send(new ProducerRecord<>("tls-replicated", value));
            }
            producer.flush();
        }
        Properties cp = ssl();
        cp.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, "1048576");
        List<byte[]> received = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(cp, new ByteArrayDeserializer(),
                new ByteArrayDeserializer())) {
            TopicPartition tp = new TopicPartition("tls-replicated", 0);
            consumer.assign(List.of(tp));
            consumer.seekToBeginning(List.of(tp));
            await().atMost(Duration.ofSeconds(60)).until(() -> {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    received.add(r.value());
                }
                return received.size() >= sent.size();
            });
        }
        assertEquals(sent.size(), received.size());
        for (int i = 0; i < sent.size(); i++) {
            assertArrayEquals(sent.get(i), received.get(i), "record " + i);
        }
    }

    @Test
    void scramOverSaslSslAuthenticatesAndAWrongPasswordIsRefused() throws Exception {
        try (Admin admin = Admin.create(ssl())) {
            admin.alterUserScramCredentials(List.of(new UserScramCredentialUpsertion("alice",
                    new ScramCredentialInfo(ScramMechanism.SCRAM_SHA_512, 4096), "alice-secret"))).all().get();
        }
        await().atMost(Duration.ofSeconds(30)).ignoreExceptions().until(() -> {
            try (Admin alice = Admin.create(saslSsl("alice", "alice-secret"))) {
                alice.createTopics(List.of(new NewTopic("tls-sasl", 1, (short) 1))).all().get();
                return alice.listTopics().names().get().contains("tls-sasl");
            }
        });
        Properties pp = saslSsl("alice", "alice-secret");
        pp.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, "30000");
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(pp, new ByteArraySerializer(),
                new ByteArraySerializer())) {
            assertEquals(0, producer.send(new ProducerRecord<>("tls-sasl", "v".getBytes())).get().offset());
        }
        try (Admin wrong = Admin.create(saslSsl("alice", "wrong"))) {
            ExecutionException e = assertThrows(ExecutionException.class, () -> wrong.listTopics().names().get());
            assertInstanceOf(SaslAuthenticationException.class, e.getCause());
        }
    }

    @Test
    void aPlaintextClientOnATlsListenerGetsNothingAndTheListenerKeepsServing() throws Exception {
        Properties plain = new Properties();
        plain.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, bootstrap("SSL"));
        plain.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "3000");
        plain.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, "2000");
        try (Admin admin = Admin.create(plain)) {
            assertThrows(ExecutionException.class, () -> admin.listTopics().names().get());
        }
        try (Admin admin = Admin.create(ssl())) {
            assertTrue(admin.describeCluster().nodes().get().size() == 3);
        }
    }

    /** How a TLS peer fared on the Raft port. */
    enum RaftPeer { SERVED, REFUSED }

    @Test
    void theRaftPortRefusesAPeerWithACertificateFromAnotherCaOrAnExpiredOne() throws Exception {
        String[] hostPort = cluster.config(1).raftAddress().split(":");
        InetSocketAddress raft = new InetSocketAddress(hostPort[0], Integer.parseInt(hostPort[1]));
        List<String> hosts = List.of("localhost", "127.0.0.1");
        // the control: a certificate of the cluster's CA gets gRPC's HTTP/2 settings back
        assertEquals(RaftPeer.SERVED, http2Peer(raft, ca.issue("CN=peer,OU=sluice", hosts, 1)));
        assertEquals(RaftPeer.REFUSED, http2Peer(raft, CertificateAuthority.create("another-ca", 1)
                .issue("CN=intruder,OU=sluice", hosts, 1)), "a certificate from another CA");
        Instant now = Instant.now();
        assertEquals(RaftPeer.REFUSED, http2Peer(raft, ca.issue("CN=old,OU=sluice", hosts,
                now.minus(Duration.ofDays(10)), now.minus(Duration.ofDays(1)))), "an expired certificate");
    }

    /**
     * Connects to a Raft port over TLS with {@code identity} as client certificate (trusting any server, so
     * only the server's judgement counts), sends HTTP/2's preface and an empty SETTINGS frame as a gRPC peer
     * does, and reads: SERVED when a SETTINGS frame comes back, REFUSED when the handshake fails or the
     * connection is closed. A silent server fails the test (the socket's read timeout).
     */
    private static RaftPeer http2Peer(InetSocketAddress raft, CertificateAuthority.Issued identity) throws Exception {
        KeyStore keys = KeyStore.getInstance("PKCS12");
        keys.load(null, null);
        keys.setKeyEntry("peer", identity.keys().getPrivate(), "x".toCharArray(),
                identity.chain().toArray(new java.security.cert.Certificate[0]));
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(keys, "x".toCharArray());
        TrustManager trustAll = new X509TrustManager() {
            @Override
            public void checkClientTrusted(X509Certificate[] chain, String authType) {
            }

            @Override
            public void checkServerTrusted(X509Certificate[] chain, String authType) {
            }

            @Override
            public X509Certificate[] getAcceptedIssuers() {
                return new X509Certificate[0];
            }
        };
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(kmf.getKeyManagers(), new TrustManager[] {trustAll}, null);
        try (SSLSocket socket = (SSLSocket) context.getSocketFactory().createSocket(raft.getAddress(), raft.getPort())) {
            socket.setSoTimeout(10_000);
            SSLParameters params = socket.getSSLParameters();
            params.setApplicationProtocols(new String[] {"h2"});
            socket.setSSLParameters(params);
            socket.startHandshake();
            OutputStream out = socket.getOutputStream();
            out.write("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            out.write(new byte[] {0, 0, 0, 4, 0, 0, 0, 0, 0}); // an empty SETTINGS frame
            out.flush();
            byte[] header = socket.getInputStream().readNBytes(9);
            return header.length == 9 && header[3] == 4 ? RaftPeer.SERVED : RaftPeer.REFUSED;
        } catch (SSLException | java.net.SocketException e) {
            return RaftPeer.REFUSED;
        }
    }
}
