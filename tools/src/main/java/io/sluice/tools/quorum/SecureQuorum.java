package io.sluice.tools.quorum;

import io.sluice.protocol.tls.ReloadingTls;
import io.sluice.protocol.tls.TlsConfig;
import io.sluice.tools.UsageException;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code quorum start --security sasl_ssl}: a local cluster secured in one step. Clients connect to
 * each node's client port, a SASL_SSL listener (SCRAM); replication, heartbeats and Sluice's native
 * protocol use an INTERNAL listener {@link #INTERNAL_PORT_OFFSET} ports higher, SSL with client
 * certificates required. At the first start it makes the files of {@link SecureClusterFiles} under the
 * data directory ({@code ca.pem}, {@code admin.properties}, {@code tls/}, {@code node-N/tls.pem}), with
 * certificates for {@code localhost}, {@code 127.0.0.1}, {@code ::1} and the host name. Not thread-safe.
 */
final class SecureQuorum {
    static final String NONE = "none";
    static final String SASL_SSL = "sasl_ssl";
    /** The INTERNAL listener's port is the client port plus this. */
    static final int INTERNAL_PORT_OFFSET = 100;

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

    static SecureClusterFiles files(LocalQuorum q) {
        return new SecureClusterFiles(q.dir(), q.nodes(), n -> q.nodeDir(n).resolve("tls.pem"));
    }

    static Path caPem(LocalQuorum q) {
        return files(q).caPem();
    }

    static Path adminProperties(LocalQuorum q) {
        return files(q).adminProperties();
    }

    /** The listener and TLS settings of node {@code n} (no passwords: the PEM keys are unencrypted files). */
    static Map<String, String> nodeSettings(LocalQuorum q, int n) {
        return files(q).nodeSettings(n, "localhost:" + q.clientPort(n), "localhost:" + q.nativePort(n));
    }

    /** The tools' TLS to the INTERNAL listeners, or null for a cluster without security. */
    static ReloadingTls toolsTls(LocalQuorum q) {
        if (!q.secure()) {
            return null;
        }
        return ReloadingTls.client(new TlsConfig("quorum tools", files(q).toolsTlsSettings()));
    }

    /** Makes what is missing: the CA, the certificates, the admin user. Idempotent across starts. */
    static Admin prepare(LocalQuorum q) throws IOException {
        SecureClusterFiles files = files(q);
        Path admin = files.adminProperties();
        if (files.complete()) {
            return new Admin(admin, false);
        }
        List<String> hosts = new ArrayList<>(List.of("localhost", "127.0.0.1", "::1"));
        String hostname = InetAddress.getLocalHost().getHostName();
        if (!hosts.contains(hostname)) {
            hosts.add(hostname);
        }
        files.create("Sluice local CA " + q.clusterId(), n -> hosts, List.of(
                "Super user admin of the local cluster in " + q.dir().toAbsolutePath(),
                "kafka-topics.sh --bootstrap-server localhost:" + q.clientPort(1) + " --command-config " + admin
                        + " --list"));
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
}
