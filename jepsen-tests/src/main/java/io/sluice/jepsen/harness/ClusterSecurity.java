package io.sluice.jepsen.harness;

import io.sluice.client.admin.AclBinding;
import io.sluice.client.admin.Admin;
import io.sluice.tools.quorum.SecureClusterFiles;
import java.io.IOException;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.IntFunction;

/**
 * The security of a test's cluster ({@code --security}): {@code none} (one PLAINTEXT listener per node,
 * clients without settings), or {@code sasl_ssl}, set up exactly as {@code quorum start --security
 * sasl_ssl} does it ({@link SecureClusterFiles}: one CA, node certificates for the node's address, the
 * super user {@code admin}): clients on a SASL_SSL listener at the node's port, replication and heartbeats
 * on an INTERNAL SSL listener {@link #INTERNAL_PORT_OFFSET} ports higher with client certificates
 * required, Raft over mutual TLS, the authorizer on. The harness's own paths (topic creation, leader
 * observation, committed offsets, final reads) connect as {@code admin}; the workload's producers and
 * consumers as the user {@link #WORKLOAD_USER}, which may do only what its ACLs allow, so the ACL path
 * is under test too. Thread-safe after {@link #provision}: the settings are immutable.
 */
public final class ClusterSecurity {
    public static final String NONE = "none";
    public static final String SASL_SSL = "sasl_ssl";
    /** The INTERNAL listener's port is the node's port plus this (as in {@code quorum start}). */
    public static final int INTERNAL_PORT_OFFSET = 100;
    /** The workload's user: SCRAM-SHA-512, ACLs on the {@code jepsen-} topics and groups only. */
    public static final String WORKLOAD_USER = "jepsen";
    /** The prefix of every topic and group the workloads use. */
    static final String RESOURCE_PREFIX = "jepsen-";

    private final SecureClusterFiles files;
    private final Map<String, Object> adminSettings;
    private final Map<String, Object> workloadSettings;
    private final String workloadPassword;

    private ClusterSecurity(SecureClusterFiles files, Map<String, Object> adminSettings, String workloadPassword) {
        this.files = files;
        this.adminSettings = Map.copyOf(adminSettings);
        this.workloadPassword = workloadPassword;
        Map<String, Object> w = new LinkedHashMap<>(adminSettings);
        if (files != null) {
            w.put("sasl.jaas.config", "org.apache.kafka.common.security.scram.ScramLoginModule required username=\""
                    + WORKLOAD_USER + "\" password=\"" + workloadPassword + "\";");
        }
        this.workloadSettings = Map.copyOf(w);
    }

    /** {@code none} or {@code sasl_ssl} (any case); throws {@link IllegalArgumentException} otherwise. */
    public static String parse(String value) {
        String v = value.trim().toLowerCase(Locale.ROOT);
        if (!v.equals(NONE) && !v.equals(SASL_SSL)) {
            throw new IllegalArgumentException("unknown security '" + value + "'; use none or sasl_ssl");
        }
        return v;
    }

    public static ClusterSecurity none() {
        return new ClusterSecurity(null, Map.of(), null);
    }

    /** Makes the CA, the certificates and the admin user under {@code dir}, for nodes at {@code host(n)}. */
    public static ClusterSecurity saslSsl(Path dir, IntFunction<String> host, int nodes) throws IOException {
        SecureClusterFiles files = new SecureClusterFiles(dir, nodes, n -> dir.resolve("node-" + n + ".pem"));
        files.create("Sluice jepsen CA", n -> hosts(host.apply(n)), List.of("Super user admin of a sluice-jepsen run"));
        byte[] secret = new byte[18];
        new SecureRandom().nextBytes(secret);
        return new ClusterSecurity(files, files.adminClientSettings(), HexFormat.of().formatHex(secret));
    }

    /** The names a node's certificate is valid for: its address, and loopback's. */
    static List<String> hosts(String host) {
        List<String> hosts = new ArrayList<>(List.of("localhost", "127.0.0.1"));
        if (!hosts.contains(host)) {
            hosts.add(host);
        }
        return hosts;
    }

    public boolean secure() {
        return files != null;
    }

    /**
     * The settings that give node {@code n}, at {@code host} and {@code port}, its listeners (and with
     * sasl_ssl its TLS, SASL and authorizer).
     */
    public Map<String, String> nodeSettings(int n, String host, int port) {
        if (files == null) {
            return Map.of("listen", host + ":" + port);
        }
        return files.nodeSettings(n, host + ":" + port, host + ":" + (port + INTERNAL_PORT_OFFSET));
    }

    /** Client settings of the harness's own paths (admin): empty without security. */
    public Map<String, Object> adminSettings() {
        return adminSettings;
    }

    /** Client settings of the workload's producers and consumers ({@link #WORKLOAD_USER}): empty without security. */
    public Map<String, Object> workloadSettings() {
        return workloadSettings;
    }

    /** The ACLs of {@link #WORKLOAD_USER}: read and write the workloads' topics, read (join, commit) their groups. */
    static List<AclBinding> workloadAcls() {
        String principal = "User:" + WORKLOAD_USER;
        return List.of(
                new AclBinding("TOPIC", RESOURCE_PREFIX, "PREFIXED", principal, "*", "WRITE", "ALLOW"),
                new AclBinding("TOPIC", RESOURCE_PREFIX, "PREFIXED", principal, "*", "READ", "ALLOW"),
                new AclBinding("GROUP", RESOURCE_PREFIX, "PREFIXED", principal, "*", "READ", "ALLOW"));
    }

    /**
     * With sasl_ssl, creates {@link #WORKLOAD_USER} and its ACLs as admin, then waits until every node
     * authenticates it (each node applies the credential from its own copy of the metadata). Nothing without
     * security.
     */
    public void provision(Cluster cluster) throws Exception {
        if (files == null) {
            return;
        }
        try (Admin admin = cluster.admin(cluster.bootstrap())) {
            admin.alterUserScramCredentials(WORKLOAD_USER, Map.of("SCRAM-SHA-512", 8192),
                    Map.of("SCRAM-SHA-512", workloadPassword), List.of()).get(30, TimeUnit.SECONDS);
            admin.createAcls(workloadAcls()).get(30, TimeUnit.SECONDS);
        }
        for (int n : cluster.ids()) {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (true) {
                try (Admin admin = cluster.admin(cluster.address(n), workloadSettings)) {
                    admin.describeCluster().get(5, TimeUnit.SECONDS);
                    break;
                } catch (Exception e) {
                    if (System.nanoTime() > deadline) {
                        throw new IllegalStateException("node " + n + " did not authenticate user " + WORKLOAD_USER
                                + " within 30 s: " + e.getMessage(), e);
                    }
                    Cluster.sleep(250);
                }
            }
        }
    }
}
