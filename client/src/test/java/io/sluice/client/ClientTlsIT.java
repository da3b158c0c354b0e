package io.sluice.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.sluice.client.admin.Admin;
import io.sluice.client.admin.NewTopic;
import io.sluice.client.consumer.Consumer;
import io.sluice.client.consumer.ConsumerRecord;
import io.sluice.client.producer.Producer;
import io.sluice.client.producer.ProducerRecord;
import io.sluice.network.CertificateAuthority;
import io.sluice.protocol.TopicPartition;
import io.sluice.server.TestCluster;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Sluice client over TLS: a three-node cluster whose inter-broker listener (the native protocol's)
 * is SSL with client certificates required; the client presents one with {@code security.protocol=SSL}
 * and Kafka's {@code ssl.*} keys, and without one it is refused.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class ClientTlsIT {
    private TestCluster cluster;
    private Path caPem;
    private Path clientPem;

    @BeforeAll
    void start(@TempDir Path dir) throws Exception {
        CertificateAuthority ca = CertificateAuthority.create("client-test-ca", 1);
        caPem = dir.resolve("ca.pem");
        Files.writeString(caPem, ca.certificatePem());
        Path nodePem = dir.resolve("node.pem");
        ca.issue("CN=node", List.of("localhost", "127.0.0.1"), 1).writePem(nodePem);
        clientPem = dir.resolve("client.pem");
        ca.issue("CN=app,OU=eng", List.of(), 1).writePem(clientPem);
        cluster = TestCluster.start(3, Map.of(
                "listeners", "SSL://127.0.0.1:{port}",
                "ssl.keystore.type", "PEM", "ssl.keystore.location", nodePem.toString(),
                "ssl.truststore.type", "PEM", "ssl.truststore.location", caPem.toString(),
                "ssl.client.auth", "required"));
    }

    @AfterAll
    void stop() {
        if (cluster != null) {
            cluster.close();
        }
    }

    private Map<String, Object> tls(boolean withCertificate) {
        Map<String, Object> p = new HashMap<>();
        p.put("bootstrap.servers", cluster.bootstrapServers());
        p.put("security.protocol", "SSL");
        p.put("ssl.truststore.type", "PEM");
        p.put("ssl.truststore.location", caPem.toString());
        if (withCertificate) {
            p.put("ssl.keystore.type", "PEM");
            p.put("ssl.keystore.location", clientPem.toString());
        }
        return p;
    }

    @Test
    void produceAndConsumeOverTlsWithAClientCertificate() throws Exception {
        try (Admin admin = Admin.create(tls(true))) {
            admin.createTopics(List.of(new NewTopic("client-tls", 1, 3))).get(60, TimeUnit.SECONDS);
        }
        Map<String, Object> pp = tls(true);
        try (Producer<String, String> producer = new Producer<>(pp, Serializer.STRING, Serializer.STRING)) {
            for (int i = 0; i < 200; i++) {
                producer.send(new ProducerRecord<>("client-tls", "k" + i, "value-" + i + "-" + "x".repeat(2000)));
            }
            producer.flush();
        }
        Map<String, Object> cp = tls(true);
        cp.put("auto.offset.reset", "earliest");
        List<ConsumerRecord<String, String>> got = new ArrayList<>();
        try (Consumer<String, String> consumer = new Consumer<>(cp, Deserializer.STRING, Deserializer.STRING)) {
            consumer.assign(List.of(new TopicPartition("client-tls", 0)));
            TestCluster.await(Duration.ofSeconds(60), "200 records", () -> {
                consumer.poll(Duration.ofMillis(300)).forEach(got::add);
                return got.size() >= 200;
            });
        }
        for (int i = 0; i < 200; i++) {
            assertEquals("value-" + i + "-" + "x".repeat(2000), got.get(i).value());
        }
    }

    @Test
    void withoutAClientCertificateTheClientGetsNoAnswer() {
        Map<String, Object> p = tls(false);
        p.put("default.api.timeout.ms", 3000);
        p.put("request.timeout.ms", 2000);
        try (Admin admin = Admin.create(p)) {
            assertThrows(Exception.class, () -> admin.listTopics().get(10, TimeUnit.SECONDS));
        }
    }
}
