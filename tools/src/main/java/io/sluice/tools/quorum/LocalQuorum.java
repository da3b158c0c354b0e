package io.sluice.tools.quorum;

import io.sluice.tools.UsageException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.UUID;

/**
 * The layout of a local cluster under one directory: {@code quorum.properties} (node count, cluster
 * id) and per node {@code node-N/} with its data, {@code node.log} and {@code node.pid}. Ports follow
 * ARCHITECTURE.md: node N serves clients on 9091+N and Raft on 19091+N. Pure bookkeeping, no
 * processes; not thread-safe.
 */
public final class LocalQuorum {
    static final int CLIENT_BASE_PORT = 9092;
    static final int RAFT_BASE_PORT = 19092;

    private final Path dir;
    private final int nodes;
    private final String clusterId;

    private LocalQuorum(Path dir, int nodes, String clusterId) {
        this.dir = dir;
        this.nodes = nodes;
        this.clusterId = clusterId;
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
            return Optional.of(new LocalQuorum(dir, Integer.parseInt(p.getProperty("nodes")), p.getProperty("cluster.id")));
        } catch (RuntimeException e) {
            throw new UsageException(file + " is damaged (" + e.getMessage() + "); remove " + dir
                    + " to start a new cluster, or restore the file");
        }
    }

    /** Creates the layout of a new cluster with a fresh cluster id. */
    public static LocalQuorum create(Path dir, int nodes) throws IOException {
        if (nodes < 1 || nodes > 9) {
            throw new UsageException("--nodes must be between 1 and 9, not " + nodes);
        }
        LocalQuorum quorum = new LocalQuorum(dir, nodes, UUID.randomUUID().toString());
        Files.createDirectories(dir);
        Properties p = new Properties();
        p.setProperty("nodes", Integer.toString(nodes));
        p.setProperty("cluster.id", quorum.clusterId);
        try (OutputStream out = Files.newOutputStream(dir.resolve("quorum.properties"))) {
            p.store(out, "Local Sluice cluster made by ./sluice quorum start; remove this directory to start afresh");
        }
        return quorum;
    }

    public Path dir() {
        return dir;
    }

    public int nodes() {
        return nodes;
    }

    public String clusterId() {
        return clusterId;
    }

    public int clientPort(int node) {
        return CLIENT_BASE_PORT + node - 1;
    }

    public int raftPort(int node) {
        return RAFT_BASE_PORT + node - 1;
    }

    public Path nodeDir(int node) {
        return dir.resolve("node-" + node);
    }

    public Path logFile(int node) {
        return nodeDir(node).resolve("node.log");
    }

    public Path pidFile(int node) {
        return nodeDir(node).resolve("node.pid");
    }

    public String voters() {
        StringBuilder sb = new StringBuilder();
        for (int n = 1; n <= nodes; n++) {
            sb.append(n == 1 ? "" : ",").append(n).append("@localhost:").append(raftPort(n));
        }
        return sb.toString();
    }

    public String bootstrapServers() {
        StringBuilder sb = new StringBuilder();
        for (int n = 1; n <= nodes; n++) {
            sb.append(n == 1 ? "" : ",").append("localhost:").append(clientPort(n));
        }
        return sb.toString();
    }

    /** The arguments of {@code bin/sluice} that start node {@code n}. */
    public List<String> brokerArgs(int n) {
        List<String> args = new ArrayList<>();
        args.add("broker");
        args.add("--node-id");
        args.add(Integer.toString(n));
        args.add("--listen");
        args.add("localhost:" + clientPort(n));
        args.add("--raft-address");
        args.add("localhost:" + raftPort(n));
        args.add("--voters");
        args.add(voters());
        args.add("--data-dir");
        args.add(nodeDir(n).toAbsolutePath().toString());
        args.add("--cluster-id");
        args.add(clusterId);
        // Replicated topics refuse acks=all writes with fewer than two in-sync copies (capped at the
        // replication factor for topics that have fewer replicas).
        args.add("--override");
        args.add("min.insync.replicas=2");
        return args;
    }
}
