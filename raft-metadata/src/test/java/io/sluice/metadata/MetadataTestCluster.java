package io.sluice.metadata;

import io.sluice.metadata.raft.MetadataNodeConfig;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.UnaryOperator;

import static org.awaitility.Awaitility.await;

/**
 * An in-process metadata quorum for integration tests: N nodes on ephemeral ports, each with its own
 * directory under a temp dir, that can be crashed ({@link #kill}, data kept) and restarted on the same
 * data. Not thread-safe: drive it from the test thread.
 */
public final class MetadataTestCluster implements AutoCloseable {

    public static final String CLUSTER_ID = "test-cluster";

    private final Path baseDir;
    private final Map<Integer, MetadataNodeConfig> configs = new TreeMap<>();
    private final Map<Integer, MetadataNode> running = new TreeMap<>();

    private MetadataTestCluster(Path baseDir) {
        this.baseDir = baseDir;
    }

    /**
     * Starts {@code size} nodes (ids 1..size) with test-friendly timeouts, each then adjusted by
     * {@code tweak} (e.g. a small snapshot threshold).
     */
    public static MetadataTestCluster start(Path baseDir, int size, UnaryOperator<MetadataNodeConfig.Builder> tweak)
            throws IOException {
        for (int attempt = 1; ; attempt++) {
            try {
                return tryStart(baseDir, size, tweak);
            } catch (IOException e) {
                // Raft ports are probed free before any node starts (every voter must know the others'
                // addresses), so another process can take one before its node binds it. Only that race is
                // retried, on new ports and empty directories (the started nodes recorded the old ones).
                if (attempt >= 3 || e.getMessage() == null || !e.getMessage().contains("is in use")) {
                    throw e;
                }
                deleteNodeDirectories(baseDir, size);
            }
        }
    }

    private static MetadataTestCluster tryStart(Path baseDir, int size, UnaryOperator<MetadataNodeConfig.Builder> tweak)
            throws IOException {
        MetadataTestCluster cluster = new MetadataTestCluster(baseDir);
        Map<Integer, String> voters = new TreeMap<>();
        for (int id = 1; id <= size; id++) {
            voters.put(id, "127.0.0.1:" + freePort());
        }
        for (int id = 1; id <= size; id++) {
            MetadataNodeConfig.Builder builder = MetadataNodeConfig.builder().nodeId(id).raftAddress(voters.get(id))
                    .voters(voters).dataDir(baseDir.resolve("node-" + id)).clusterId(CLUSTER_ID)
                    .electionTimeouts(Duration.ofMillis(600), Duration.ofMillis(1_200))
                    .requestTimeout(Duration.ofSeconds(20)).snapshotOnStop(false);
            cluster.configs.put(id, tweak.apply(builder).build());
        }
        try {
            for (int id : cluster.configs.keySet()) {
                cluster.restart(id);
            }
        } catch (IOException | RuntimeException e) {
            cluster.close();
            throw e;
        }
        return cluster;
    }

    private static void deleteNodeDirectories(Path baseDir, int size) throws IOException {
        for (int id = 1; id <= size; id++) {
            Path dir = baseDir.resolve("node-" + id);
            if (Files.exists(dir)) {
                try (var files = Files.walk(dir)) {
                    for (Path p : (Iterable<Path>) files.sorted(java.util.Comparator.reverseOrder())::iterator) {
                        Files.delete(p);
                    }
                }
            }
        }
    }

    public static MetadataTestCluster start(Path baseDir, int size) throws IOException {
        return start(baseDir, size, UnaryOperator.identity());
    }

    public MetadataNode node(int id) {
        MetadataNode node = running.get(id);
        if (node == null) {
            throw new IllegalStateException("Node " + id + " is not running");
        }
        return node;
    }

    public Collection<MetadataNode> runningNodes() {
        return List.copyOf(running.values());
    }

    public MetadataNodeConfig config(int id) {
        return configs.get(id);
    }

    public Path baseDir() {
        return baseDir;
    }

    /** Waits until exactly one running node leads and returns it. */
    public MetadataNode awaitLeader() {
        List<MetadataNode> leaders = new ArrayList<>();
        await().atMost(Duration.ofSeconds(30)).until(() -> {
            leaders.clear();
            running.values().stream().filter(MetadataNode::isLeader).forEach(leaders::add);
            return leaders.size() == 1;
        });
        return leaders.get(0);
    }

    /** Waits until every running node has applied at least {@code index}. */
    public void awaitApplied(long index) {
        await().atMost(Duration.ofSeconds(30))
                .until(() -> running.values().stream().allMatch(n -> n.appliedIndex() >= index));
    }

    /**
     * Crashes a node as far as Ratis allows (docs/testing.md, "Crash and power loss"). Ratis has no halt,
     * only a clean close: its threads stop and its sockets close, so the others see it vanish as they
     * would a killed process. Of what close writes and a crash would not: no snapshot (the nodes run
     * with snapshot-on-stop off, so the restart replays the log from the last snapshot, as after a
     * crash), and the open log segment gets back the zero-filled preallocated tail that close trims and a
     * crash leaves behind. Close still writes and fsyncs the log entries it had buffered; Ratis
     * acknowledges an entry (to the leader, or as the leader's own copy) only once it is fsynced, so
     * those entries were never acknowledged, and a crash that lost them would change no committed
     * entry. Its directory is kept.
     */
    public void kill(int id) {
        MetadataNode node = running.remove(id);
        if (node != null) {
            node.close();
            restorePreallocatedTail(configs.get(id));
        }
    }

    /** Extends each open (in-progress) segment with zeros, as Ratis preallocates it (RaftSettings). */
    private static void restorePreallocatedTail(MetadataNodeConfig config) {
        long preallocated = Math.min(4L << 20, config.logSegmentSizeBytes());
        try (var files = Files.walk(config.dataDir().resolve("raft"))) {
            List<Path> open = files.filter(p -> p.getFileName().toString().startsWith("log_inprogress_")).toList();
            for (Path segment : open) {
                try (RandomAccessFile file = new RandomAccessFile(segment.toFile(), "rw")) {
                    file.setLength(file.length() + preallocated);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Starts a stopped node again on its own directory (and address). */
    public MetadataNode restart(int id) throws IOException {
        if (running.containsKey(id)) {
            throw new IllegalStateException("Node " + id + " is running");
        }
        MetadataNode node = MetadataNode.start(configs.get(id));
        running.put(id, node);
        return node;
    }

    @Override
    public void close() {
        new ArrayList<>(running.keySet()).forEach(this::kill);
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            socket.setReuseAddress(true);
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
