package io.sluice.tools.quorum;

import io.sluice.network.CertificateAuthority;
import io.sluice.protocol.tls.ReloadingTls;
import io.sluice.protocol.tls.TlsConfig;
import io.sluice.server.NodeConfig;
import io.sluice.server.ScramBootstrap;
import io.sluice.tools.UsageException;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code quorum start --security sasl_ssl}: a local cluster secured in one step. Clients connect to
 * each node's client port, a SASL_SSL listener (SCRAM); replication, heartbeats and Sluice's native
 * protocol use an INTERNAL listener {@link #INTERNAL_PORT_OFFSET} ports higher, SSL with client
 * certificates required. At the first start it makes, under the data directory: a private CA
 * ({@code ca.pem}, its key in {@code tls/}), each node's key and certificate ({@code node-N/tls.pem},
 * owner-readable), a certificate for the quorum tools ({@code tls/tools.pem}), the super user
 * {@code admin} with a generated password, given to the nodes as SCRAM keys
 * ({@code tls/scram-bootstrap.txt}, see {@link ScramBootstrap}) and as a PLAIN user (for librdkafka
 * before 2.6.1; the password is in {@code tls/plain-users.properties}, owner-readable, as it is in
 * {@code admin.properties} anyway), and {@code admin.properties}, the
 * client settings of that user for Kafka's tools ({@code --command-config}). Not thread-safe.
 */
final class SecureQuorum {
    static final String NONE = "none";
    static final String SASL_SSL = "sasl_ssl";
    /** The INTERNAL listener's port is the client port plus this. */
    static final int INTERNAL_PORT_OFFSET = 100;
    private static final int CERT_DAYS = 825;
    private static final String ADMIN = "admin";
    private static final String TOOLS_DN = "CN=sluice-tools,OU=sluice";

    private static String nodeDn(int n) {
        return "CN=sluice-node-" + n + ",OU=sluice";
    }

    /** The admin user's client settings file and whether this start created it. */
    record Admin(Path properties, boolean created) {
    }

    private SecureQuorum() {
    }

    static String parse(String value) {
        String v = value == null ? NONE : value.trim().toLowerCase(Locale.ROOT);
        if (!v.equals(NONE) && !v.equals(SASL_SSL)) {
            throw new UsageException("--security must be none or sasl_ssl, not '" + value + "'", "quorum start");
        }
        return v;
    }

    static Path caPem(LocalQuorum q) {
        return q.dir().resolve("ca.pem").toAbsolutePath();
    }

    static Path adminProperties(LocalQuorum q) {
        return q.dir().resolve("admin.properties").toAbsolutePath();
    }

    private static Path tlsDir(LocalQuorum q) {
        return q.dir().resolve("tls").toAbsolutePath();
    }

    private static Path nodePem(LocalQuorum q, int n) {
        return q.nodeDir(n).resolve("tls.pem").toAbsolutePath();
    }

    private static Path toolsPem(LocalQuorum q) {
        return tlsDir(q).resolve("tools.pem");
    }

    private static Path plainUsersFile(LocalQuorum q) {
        return tlsDir(q).resolve("plain-users.properties");
    }

    private static Path scramFile(LocalQuorum q) {
        return tlsDir(q).resolve("scram-bootstrap.txt");
    }

    /** The listener and TLS settings of node {@code n} (no passwords: the PEM keys are unencrypted files). */
    static Map<String, String> nodeSettings(LocalQuorum q, int n) {
        Map<String, String> s = new LinkedHashMap<>();
        s.put("listeners", "SASL_SSL://localhost:" + q.clientPort(n) + ",INTERNAL://localhost:" + q.nativePort(n));
        s.put("listener.security.protocol.map", "SASL_SSL:SASL_SSL,INTERNAL:SSL");
        s.put("inter.broker.listener.name", "INTERNAL");
        s.put(TlsConfig.KEYSTORE_TYPE, "PEM");
        s.put(TlsConfig.KEYSTORE_LOCATION, nodePem(q, n).toString());
        s.put(TlsConfig.TRUSTSTORE_TYPE, "PEM");
        s.put(TlsConfig.TRUSTSTORE_LOCATION, caPem(q).toString());
        s.put("listener.name.internal." + TlsConfig.CLIENT_AUTH, "required");
        s.put("raft.ssl.enabled", "true");
        // PLAIN too (safe under TLS): librdkafka before 2.6.1 (kcat here) cannot do SCRAM with Kafka 4's check.
        s.put("sasl.enabled.mechanisms", "SCRAM-SHA-512,SCRAM-SHA-256,PLAIN");
        s.put("sasl.plain.users.file", plainUsersFile(q).toString());
        s.put("sasl.scram.bootstrap.file", scramFile(q).toString());
        // ACLs on: admin may do everything, any other user only what kafka-acls.sh grants it.
        s.put("authorizer.class.name", io.sluice.security.Authorizer.KAFKA_CLASS);
        // The nodes' and the quorum tools' certificates too: replication, heartbeats and `quorum status` are
        // authorized on the native protocol (CLUSTER_ACTION, DESCRIBE) like any other request.
        List<String> superUsers = new ArrayList<>(List.of("User:" + ADMIN, "User:" + TOOLS_DN));
        for (int i = 1; i <= q.nodes(); i++) {
            superUsers.add("User:" + nodeDn(i));
        }
        s.put("super.users", String.join(";", superUsers));
        return s;
    }

    /** The tools' TLS to the INTERNAL listeners, or null for a cluster without security. */
    static ReloadingTls toolsTls(LocalQuorum q) {
        if (!q.secure()) {
            return null;
        }
        return ReloadingTls.client(new TlsConfig("quorum tools", Map.of(
                TlsConfig.KEYSTORE_TYPE, "PEM", TlsConfig.KEYSTORE_LOCATION, toolsPem(q).toString(),
                TlsConfig.TRUSTSTORE_TYPE, "PEM", TlsConfig.TRUSTSTORE_LOCATION, caPem(q).toString())));
    }

    /** Makes what is missing: the CA, the certificates, the admin user. Idempotent across starts. */
    static Admin prepare(LocalQuorum q) throws IOException {
        Path admin = adminProperties(q);
        boolean complete = Files.exists(caPem(q)) && Files.exists(admin) && Files.exists(scramFile(q))
                && Files.exists(toolsPem(q)) && Files.exists(plainUsersFile(q));
        for (int n = 1; n <= q.nodes() && complete; n++) {
            complete = Files.exists(nodePem(q, n));
        }
        if (complete) {
            return new Admin(admin, false);
        }
        Files.createDirectories(tlsDir(q));
        CertificateAuthority ca = CertificateAuthority.create("Sluice local CA " + q.clusterId(), CERT_DAYS);
        Files.writeString(caPem(q), ca.certificatePem());
        List<String> hosts = new ArrayList<>(List.of("localhost", "127.0.0.1", "::1"));
        String hostname = InetAddress.getLocalHost().getHostName();
        if (!hosts.contains(hostname)) {
            hosts.add(hostname);
        }
        for (int n = 1; n <= q.nodes(); n++) {
            Files.createDirectories(q.nodeDir(n));
            ca.issue(nodeDn(n), hosts, CERT_DAYS).writePem(nodePem(q, n));
        }
        ca.issue(TOOLS_DN, List.of(), CERT_DAYS).writePem(toolsPem(q));
        String password = newPassword();
        SecureRandom random = new SecureRandom();
        CertificateAuthority.writePrivate(scramFile(q), "# The first SCRAM users, as salted keys (docs/security.md)\n"
                + ScramBootstrap.line(new ScramBootstrap.Entry(ADMIN,
                        ScramBootstrap.derive("SCRAM-SHA-512", password, 8192, random))) + "\n"
                + ScramBootstrap.line(new ScramBootstrap.Entry(ADMIN,
                        ScramBootstrap.derive("SCRAM-SHA-256", password, 8192, random))) + "\n");
        CertificateAuthority.writePrivate(plainUsersFile(q), ADMIN + "=" + password + "\n");
        CertificateAuthority.writePrivate(admin, "# Super user admin of the local cluster in " + q.dir().toAbsolutePath()
                + "\n# kafka-topics.sh --bootstrap-server localhost:" + q.clientPort(1) + " --command-config " + admin
                + " --list\nsecurity.protocol=SASL_SSL\nsasl.mechanism=SCRAM-SHA-512\n"
                + "sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required username=\"" + ADMIN
                + "\" password=\"" + password + "\";\nssl.truststore.type=PEM\nssl.truststore.location=" + caPem(q) + "\n");
        return new Admin(admin, true);
    }

    static void printAdmin(LocalQuorum q, Admin admin) {
        System.out.println("Security: SASL_SSL (SCRAM-SHA-512, SCRAM-SHA-256, PLAIN) on the client ports, TLS with client"
                + " certificates between the nodes (ports " + q.nativePort(1) + "-" + q.nativePort(q.nodes()) + ")");
        System.out.println("CA certificate: " + caPem(q));
        System.out.println("Super user admin" + (admin.created() ? " (new password)" : "") + ": " + admin.properties());
        System.out.println("  Kafka tools: --bootstrap-server localhost:" + q.clientPort(1) + " --command-config "
                + admin.properties());
        System.out.println("  kcat: -X security.protocol=SASL_SSL -X sasl.mechanisms=SCRAM-SHA-512 -X sasl.username=admin"
                + " -X sasl.password=<from admin.properties> -X ssl.ca.location=" + caPem(q));
        System.out.println("        (librdkafka before 2.6.1 fails SCRAM against Kafka 4 and Sluice alike:"
                + " use -X sasl.mechanisms=PLAIN there)");
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
