package io.sluice.tools.quorum;

import io.sluice.tools.UsageException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.TreeMap;
import java.util.UUID;

/**
 * The layout of a local cluster under one directory: {@code quorum.properties} (the number of voters
 * and of broker-only nodes, cluster id, base port, and the {@code --override} settings given to
 * {@code quorum start}, so a later start keeps them) and per node {@code node-N/} with its data, its
 * rolling {@code node.log}, the
 * process output {@code node.out} and {@code node.pid}. Nodes 1..voters are the metadata quorum's
 * voters, the nodes after them broker-only ({@code process.roles=broker}). Node N serves clients on base port + N - 1
 * and Raft on base port + 10000 + N - 1 (9092.. and 19092.. by default). Pure bookkeeping, no
 * processes; not thread-safe.
 */
public final class LocalQuorum {
    static final int DEFAULT_BASE_PORT = 9092;
    /** Raft ports sit this far above the client ports. */
    static final int RAFT_PORT_OFFSET = 10_000;
    /** Settings every node gets unless an override says otherwise. */
    static final Map<String, String> DEFAULT_SETTINGS = Map.of(
            // Replicated topics refuse acks=all writes with fewer than two in-sync copies (capped at
            // the replication factor for topics that have fewer replicas).
            "min.insync.replicas", "2",
            // As Kafka's own quick-start config/server.properties: a new classic consumer group's
            // first rebalance does not wait 3 s for more members, which suits a machine for
            // development and tests. A production node keeps Kafka's default (3000).
            "group.initial.rebalance.delay.ms", "0");
    private static final String OVERRIDE_PREFIX = "override.";

    private final Path dir;
    private final int voterCount;
    private int brokers;
    private final String clusterId;
    private final int basePort;
    private final Map<String, String> overrides = new TreeMap<>();
    /** {@code none}, or {@code sasl_ssl}: see {@link SecureQuorum}. */
    private final String security;

    private LocalQuorum(Path dir, int voterCount, int brokers, String clusterId, int basePort, String security) {
        this.dir = dir;
        this.voterCount = voterCount;
        this.brokers = brokers;
        this.clusterId = clusterId;
        this.basePort = basePort;
        this.security = security;
    }

    /** Reads the layout of an existing cluster directory, if there is one. */
    public static Optional<LocalQuorum> load(Path dir) throws IOException {
        Path file = dir.resolve("quorum.properties");
        if (!Files.exists(file)) {
            return Optional.empty();
        }
        Properties p = new Properties();
        try (InputStream in = Files.newInputStream(file)) {
            p.load(in);
        }
        try {
            LocalQuorum q = new LocalQuorum(dir, Integer.parseInt(p.getProperty("nodes")),
                    Integer.parseInt(p.getProperty("brokers", "0")), p.getProperty("cluster.id"),
                    Integer.parseInt(p.getProperty("base.port", Integer.toString(DEFAULT_BASE_PORT))),
                    p.getProperty("security", SecureQuorum.NONE));
            for (String key : p.stringPropertyNames()) {
                if (key.startsWith(OVERRIDE_PREFIX)) {
                    q.overrides.put(key.substring(OVERRIDE_PREFIX.length()), p.getProperty(key));
                }
            }
            return Optional.of(q);
        } catch (RuntimeException e) {
            throw new UsageException(file + " is damaged (" + e.getMessage() + "); remove " + dir
                    + " to start a new cluster, or restore the file");
        }
    }

    /** The layout of a new cluster with a fresh cluster id; nothing is written until {@link #save()}. */
    public static LocalQuorum create(Path dir, int voters, int brokers, int basePort) {
        return create(dir, voters, brokers, basePort, SecureQuorum.NONE);
    }

    /** As above, with {@code security} {@code none} or {@code sasl_ssl}. */
    public static LocalQuorum create(Path dir, int voters, int brokers, int basePort, String security) {
        if (voters < 1 || voters > 9) {
            throw new UsageException("--nodes must be between 1 and 9, not " + voters, "quorum start");
        }
        checkBrokers(brokers);
        int highest = 65535 - RAFT_PORT_OFFSET - voters - brokers + 1;
        if (basePort < 1024 || basePort > highest) {
            throw new UsageException("--base-port must be between 1024 and " + highest + " (Raft ports are "
                    + RAFT_PORT_OFFSET + " higher), not " + basePort, "quorum start");
        }
        return new LocalQuorum(dir, voters, brokers, UUID.randomUUID().toString(), basePort, security);
    }

    private static void checkBrokers(int brokers) {
        if (brokers < 0 || brokers > 9) {
            throw new UsageException("--brokers must be between 0 and 9, not " + brokers, "quorum start");
        }
    }

    /**
     * Grows the cluster to {@code count} broker-only nodes (they join while it serves). Fewer is
     * refused: a broker-only node is removed by stopping it and taking it out of the quorum.
     */
    public void setBrokers(int count) {
        checkBrokers(count);
        if (count < brokers) {
            throw new UsageException("the cluster in " + dir + " has " + brokers + " broker-only nodes; --brokers "
                    + count + " cannot remove any: stop node N with ./sluice quorum kill N and take it out with"
                    + " ./sluice cluster unregister --id N", "quorum start");
        }
        brokers = count;
    }

    /** Writes {@code quorum.properties}: the layout and the remembered overrides. */
    public void save() throws IOException {
        Files.createDirectories(dir);
        Properties p = new Properties();
        p.setProperty("nodes", Integer.toString(voterCount));
        p.setProperty("brokers", Integer.toString(brokers));
        p.setProperty("cluster.id", clusterId);
        p.setProperty("base.port", Integer.toString(basePort));
        p.setProperty("security", security);
        overrides.forEach((k, v) -> p.setProperty(OVERRIDE_PREFIX + k, v));
        try (OutputStream out = Files.newOutputStream(dir.resolve("quorum.properties"))) {
            p.store(out, "Local Sluice cluster made by ./sluice quorum start; remove this directory to start afresh");
        }
    }

    /** Adds overrides to the remembered ones; an empty value removes a key. */
    public void addOverrides(Map<String, String> more) {
        more.forEach((k, v) -> {
            if (v.isEmpty()) {
                overrides.remove(k);
            } else {
                overrides.put(k, v);
            }
        });
    }

    /** The settings every node gets beyond its identity: the defaults, then the overrides. */
    public Map<String, String> settings() {
        Map<String, String> all = new TreeMap<>(DEFAULT_SETTINGS);
        all.putAll(overrides);
        return all;
    }

    public Map<String, String> overrides() {
        return new LinkedHashMap<>(overrides);
    }

    public Path dir() {
        return dir;
    }

    /** Every node: the voters, then the broker-only nodes. */
    public int nodes() {
        return voterCount + brokers;
    }

    /** The metadata quorum's voters: nodes 1..voterCount(). */
    public int voterCount() {
        return voterCount;
    }

    /** The broker-only nodes, numbered after the voters. */
    public int brokers() {
        return brokers;
    }

    public boolean isBrokerOnly(int node) {
        return node > voterCount;
    }

    public String clusterId() {
        return clusterId;
    }

    public int basePort() {
        return basePort;
    }

    public int clientPort(int node) {
        return basePort + node - 1;
    }

    /** {@code none} or {@code sasl_ssl}. */
    public String security() {
        return security;
    }

    public boolean secure() {
        return !security.equals(SecureQuorum.NONE);
    }

    /**
     * The port of the native protocol and replication: the client port, or with security the port of the
     * INTERNAL listener (SSL, client certificates required), {@link SecureQuorum#INTERNAL_PORT_OFFSET} above it.
     */
    public int nativePort(int node) {
        return secure() ? clientPort(node) + SecureQuorum.INTERNAL_PORT_OFFSET : clientPort(node);
    }

    public int raftPort(int node) {
        return basePort + RAFT_PORT_OFFSET + node - 1;
    }

    public Path nodeDir(int node) {
        return dir.resolve("node-" + node);
    }

    public Path logFile(int node) {
        return nodeDir(node).resolve("node.log");
    }

    /** Standard output and error of the node's process: what it says before its log starts. */
    public Path outFile(int node) {
        return nodeDir(node).resolve("node.out");
    }

    public Path pidFile(int node) {
        return nodeDir(node).resolve("node.pid");
    }

    public String voters() {
        StringBuilder sb = new StringBuilder();
        for (int n = 1; n <= voterCount; n++) {
            sb.append(n == 1 ? "" : ",").append(n).append("@localhost:").append(raftPort(n));
        }
        return sb.toString();
    }

    public String bootstrapServers() {
        StringBuilder sb = new StringBuilder();
        for (int n = 1; n <= nodes(); n++) {
            sb.append(n == 1 ? "" : ",").append("localhost:").append(clientPort(n));
        }
        return sb.toString();
    }

    /** The settings of node {@code n}: its identity, then {@link #settings()}. */
    public Map<String, String> nodeSettings(int n) {
        Map<String, String> s = new LinkedHashMap<>();
        s.put("node.id", Integer.toString(n));
        if (secure()) {
            s.putAll(SecureQuorum.nodeSettings(this, n));
        } else {
            s.put("listen", "localhost:" + clientPort(n));
        }
        s.put("raft.address", "localhost:" + raftPort(n));
        s.put("voters", voters());
        if (isBrokerOnly(n)) {
            s.put("process.roles", "broker");
        }
        s.put("data.dir", nodeDir(n).toAbsolutePath().toString());
        s.put("cluster.id", clusterId);
        s.putAll(settings());
        return s;
    }

    /** The arguments of {@code bin/sluice} that start node {@code n}. */
    public List<String> brokerArgs(int n) {
        List<String> args = new ArrayList<>();
        args.add("broker");
        nodeSettings(n).forEach((k, v) -> {
            args.add("--override");
            args.add(k + "=" + v);
        });
        return args;
    }
}
