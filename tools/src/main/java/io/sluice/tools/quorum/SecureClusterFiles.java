package io.sluice.tools.quorum;

import io.sluice.network.CertificateAuthority;
import io.sluice.protocol.tls.TlsConfig;
import io.sluice.server.ScramBootstrap;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.function.IntFunction;

/**
 * The security files of a cluster run as {@code SASL_SSL} with an authorizer, and the node settings that
 * use them: one private CA ({@code ca.pem}; its key is used once and not kept), each node's key and
 * certificate (EC P-256, unencrypted PEM, owner-readable), a certificate for tools that speak to the
 * INTERNAL listeners ({@code tls/tools.pem}), and the super user {@code admin} with a generated password,
 * given to the nodes as SCRAM keys ({@code tls/scram-bootstrap.txt}, see {@link ScramBootstrap}) and as a
 * PLAIN user ({@code tls/plain-users.properties}), and to clients as {@code admin.properties}, which
 * Kafka's tools and Sluice's take as {@code --command-config}. Shared by {@code quorum start --security
 * sasl_ssl} ({@link SecureQuorum}) and the fault suite ({@code jepsen-tests}), so both run the same
 * setup. Not thread-safe.
 */
public final class SecureClusterFiles {
    /** The super user's name. */
    public static final String ADMIN = "admin";
    /** The INTERNAL listener's name: SSL with client certificates required; replication and heartbeats. */
    public static final String INTERNAL = "INTERNAL";
    private static final int CERT_DAYS = 825;
    private static final String TOOLS_DN = "CN=sluice-tools,OU=sluice";

    private final Path dir;
    private final int nodes;
    private final IntFunction<Path> nodePem;

    /**
     * @param dir where {@code ca.pem}, {@code admin.properties} and {@code tls/} are kept
     * @param nodes the nodes, numbered from 1
     * @param nodePem where node N's key and certificate are kept
     */
    public SecureClusterFiles(Path dir, int nodes, IntFunction<Path> nodePem) {
        this.dir = dir.toAbsolutePath();
        this.nodes = nodes;
        this.nodePem = n -> nodePem.apply(n).toAbsolutePath();
    }

    static String nodeDn(int n) {
        return "CN=sluice-node-" + n + ",OU=sluice";
    }

    public Path caPem() {
        return dir.resolve("ca.pem");
    }

    public Path adminProperties() {
        return dir.resolve("admin.properties");
    }

    Path tlsDir() {
        return dir.resolve("tls");
    }

    public Path nodePem(int n) {
        return nodePem.apply(n);
    }

    public Path toolsPem() {
        return tlsDir().resolve("tools.pem");
    }

    Path plainUsersFile() {
        return tlsDir().resolve("plain-users.properties");
    }

    Path scramFile() {
        return tlsDir().resolve("scram-bootstrap.txt");
    }

    /** Whether every file exists (a start after the first makes nothing new). */
    public boolean complete() {
        boolean complete = Files.exists(caPem()) && Files.exists(adminProperties()) && Files.exists(scramFile())
                && Files.exists(toolsPem()) && Files.exists(plainUsersFile());
        for (int n = 1; n <= nodes && complete; n++) {
            complete = Files.exists(nodePem(n));
        }
        return complete;
    }

    /**
     * Makes every file anew: a new CA, certificates and admin password.
     *
     * @param caName the CA's common name
     * @param hosts the host names and IP addresses node N's certificate is valid for (other nodes check them)
     * @param adminComment the first lines of {@code admin.properties}, without {@code #}
     */
    public void create(String caName, IntFunction<List<String>> hosts, List<String> adminComment) throws IOException {
        Files.createDirectories(tlsDir());
        CertificateAuthority ca = CertificateAuthority.create(caName, CERT_DAYS);
        Files.writeString(caPem(), ca.certificatePem());
        for (int n = 1; n <= nodes; n++) {
            Files.createDirectories(nodePem(n).getParent());
            ca.issue(nodeDn(n), hosts.apply(n), CERT_DAYS).writePem(nodePem(n));
        }
        ca.issue(TOOLS_DN, List.of(), CERT_DAYS).writePem(toolsPem());
        String password = newPassword();
        SecureRandom random = new SecureRandom();
        CertificateAuthority.writePrivate(scramFile(), "# The first SCRAM users, as salted keys (docs/security.md)\n"
                + ScramBootstrap.line(new ScramBootstrap.Entry(ADMIN,
                        ScramBootstrap.derive("SCRAM-SHA-512", password, 8192, random))) + "\n"
                + ScramBootstrap.line(new ScramBootstrap.Entry(ADMIN,
                        ScramBootstrap.derive("SCRAM-SHA-256", password, 8192, random))) + "\n");
        CertificateAuthority.writePrivate(plainUsersFile(), ADMIN + "=" + password + "\n");
        StringBuilder admin = new StringBuilder();
        adminComment.forEach(line -> admin.append("# ").append(line).append('\n'));
        admin.append("security.protocol=SASL_SSL\nsasl.mechanism=SCRAM-SHA-512\n"
                + "sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required username=\"" + ADMIN
                + "\" password=\"" + password + "\";\nssl.truststore.type=PEM\nssl.truststore.location=" + caPem() + "\n");
        CertificateAuthority.writePrivate(adminProperties(), admin.toString());
    }

    /**
     * The listener, TLS, SASL and authorizer settings of node {@code n} (no passwords: the PEM keys are
     * unencrypted, owner-readable files): clients on a {@code SASL_SSL} listener at {@code clientAddress},
     * replication, heartbeats and tools with certificates on an {@code INTERNAL} {@code SSL} listener at
     * {@code internalAddress} with client certificates required, and Raft over mutual TLS.
     */
    public Map<String, String> nodeSettings(int n, String clientAddress, String internalAddress) {
        Map<String, String> s = new LinkedHashMap<>();
        s.put("listeners", "SASL_SSL://" + clientAddress + "," + INTERNAL + "://" + internalAddress);
        s.put("listener.security.protocol.map", "SASL_SSL:SASL_SSL," + INTERNAL + ":SSL");
        s.put("inter.broker.listener.name", INTERNAL);
        s.put(TlsConfig.KEYSTORE_TYPE, "PEM");
        s.put(TlsConfig.KEYSTORE_LOCATION, nodePem(n).toString());
        s.put(TlsConfig.TRUSTSTORE_TYPE, "PEM");
        s.put(TlsConfig.TRUSTSTORE_LOCATION, caPem().toString());
        s.put("listener.name.internal." + TlsConfig.CLIENT_AUTH, "required");
        s.put("raft.ssl.enabled", "true");
        // PLAIN too (safe under TLS): librdkafka before 2.6.1 (kcat here) cannot do SCRAM with Kafka 4's check.
        s.put("sasl.enabled.mechanisms", "SCRAM-SHA-512,SCRAM-SHA-256,PLAIN");
        s.put("sasl.plain.users.file", plainUsersFile().toString());
        s.put("sasl.scram.bootstrap.file", scramFile().toString());
        // ACLs on: admin may do everything, any other user only what kafka-acls.sh grants it.
        s.put("authorizer.class.name", io.sluice.security.Authorizer.KAFKA_CLASS);
        // The nodes' and the tools' certificates too: replication, heartbeats and `quorum status` are
        // authorized on the native protocol (CLUSTER_ACTION, DESCRIBE) like any other request.
        List<String> superUsers = new ArrayList<>(List.of("User:" + ADMIN, "User:" + TOOLS_DN));
        for (int i = 1; i <= nodes; i++) {
            superUsers.add("User:" + nodeDn(i));
        }
        s.put("super.users", String.join(";", superUsers));
        return s;
    }

    /** The TLS settings of a tool presenting the tools' certificate to the INTERNAL listeners. */
    public Map<String, String> toolsTlsSettings() {
        return Map.of(TlsConfig.KEYSTORE_TYPE, "PEM", TlsConfig.KEYSTORE_LOCATION, toolsPem().toString(),
                TlsConfig.TRUSTSTORE_TYPE, "PEM", TlsConfig.TRUSTSTORE_LOCATION, caPem().toString());
    }

    /** The client settings of {@code admin} ({@code admin.properties}), for Kafka's clients and Sluice's. */
    public Map<String, Object> adminClientSettings() throws IOException {
        Properties p = new Properties();
        try (InputStream in = Files.newInputStream(adminProperties())) {
            p.load(in);
        }
        Map<String, Object> settings = new LinkedHashMap<>();
        p.stringPropertyNames().stream().sorted().forEach(k -> settings.put(k, p.getProperty(k)));
        return settings;
    }

    private static String newPassword() {
        String alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789";
        SecureRandom random = new SecureRandom();
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < 24; i++) {
            sb.append(alphabet.charAt(random.nextInt(alphabet.length())));
        }
        return sb.toString();
    }
}
