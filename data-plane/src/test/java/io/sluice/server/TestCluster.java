package io.sluice.server;

import io.sluice.storage.FileAccess;
import io.sluice.storage.SimulatedDisk;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.Random;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * An in-process cluster of combined nodes on loopback with ephemeral ports and a temporary directory,
 * for integration tests of the metadata quorum, replication and groups. Nodes can be stopped
 * (controlled shutdown), killed (a crash: threads stopped, sockets closed, nothing flushed, no
 * checkpoint written) and, when the cluster runs on {@link SimulatedDisk}s, made to lose power (a
 * crash that also loses what was written but not fsynced); then started again with their data.
 *
 * <p>Data-plane ports are bound as port 0 and read back (a restarted node binds the port it had).
 * Raft ports cannot be: every voter must know every other's address before any starts, so they are
 * probed free first, and a start that finds one taken meanwhile picks new ones and tries again.
 *
 * <p>Not thread-safe: drive it from the test thread.
 */
public final class TestCluster implements AutoCloseable {
    private final Path dir;
    private final Map<Integer, Integer> raftPorts = new HashMap<>();
    private final Map<Integer, Integer> clientPorts = new HashMap<>();
    private final Map<Integer, Node> nodes = new HashMap<>();
    private final Map<Integer, SimulatedDisk> disks = new HashMap<>();
    private final Map<String, String> overrides;
    private final int size;
    private final boolean simulatedDisks;

    private TestCluster(int size, Map<String, String> overrides, boolean simulatedDisks) throws IOException {
        this.size = size;
        this.overrides = Map.copyOf(overrides);
        this.simulatedDisks = simulatedDisks;
        this.dir = Files.createTempDirectory("sluice-test-cluster");
        for (int id = 1; id <= size; id++) {
            raftPorts.put(id, freePort());
            clientPorts.put(id, 0);
            if (simulatedDisks) {
                disks.put(id, new SimulatedDisk());
            }
        }
    }

    /** Starts {@code size} nodes with test-friendly timings (fast heartbeats, 2 s broker sessions). */
    public static TestCluster start(int size) throws IOException {
        return start(size, Map.of());
    }

    /** As {@link #start(int)}, with node settings (keys of server.properties) overriding the test defaults. */
    public static TestCluster start(int size, Map<String, String> overrides) throws IOException {
        return start(size, overrides, false);
    }

    /**
     * As {@link #start(int, Map)}, with every node's partition logs on a {@link SimulatedDisk}, so that
     * {@link #powerLoss} can drop what was not fsynced.
     */
    public static TestCluster startWithSimulatedDisks(int size, Map<String, String> overrides) throws IOException {
        return start(size, overrides, true);
    }

    private static TestCluster start(int size, Map<String, String> overrides, boolean simulatedDisks)
            throws IOException {
        for (int attempt = 1; ; attempt++) {
            try {
                return tryStart(size, overrides, simulatedDisks);
            } catch (IOException e) {
                // Only the race this class cannot close (a probed Raft port taken before the bind) is retried.
                if (attempt >= 3 || e.getMessage() == null || !e.getMessage().contains("port is in use")) {
                    throw e;
                }
            }
        }
    }

    private static TestCluster tryStart(int size, Map<String, String> overrides, boolean simulatedDisks)
            throws IOException {
        TestCluster cluster = new TestCluster(size, overrides, simulatedDisks);
        try {
            List<Thread> starters = new ArrayList<>();
            List<IOException> failures = new ArrayList<>();
            for (int id = 1; id <= size; id++) {
                int nodeId = id;
                Thread t = new Thread(() -> {
                    try {
                        cluster.startNode(nodeId);
                    } catch (IOException e) {
                        synchronized (failures) {
                            failures.add(e);
                        }
                    }
                });
                t.start();
                starters.add(t);
            }
            for (Thread t : starters) {
                t.join();
            }
            if (!failures.isEmpty()) {
                throw failures.get(0);
            }
            cluster.awaitReady(Duration.ofSeconds(60));
        } catch (IOException | RuntimeException e) {
            cluster.close();
            throw e;
        } catch (InterruptedException e) {
            cluster.close();
            Thread.currentThread().interrupt();
            throw new IOException(e);
        }
        return cluster;
    }

    public NodeConfig config(int id) {
        Map<String, String> settings = new HashMap<>();
        settings.put("node.id", Integer.toString(id));
        settings.put("listen", "127.0.0.1:" + clientPorts.get(id));
        settings.put("raft.address", "127.0.0.1:" + raftPorts.get(id));
        settings.put("voters", raftPorts.entrySet().stream().filter(e -> e.getKey() <= size)
                .sorted(Map.Entry.comparingByKey())
                .map(e -> e.getKey() + "@127.0.0.1:" + e.getValue()).collect(Collectors.joining(",")));
        if (id > size) {
            settings.put("process.roles", "broker");
        }
        settings.put("data.dir", dir.resolve("node-" + id).toString());
        settings.put("io.threads", "2");
        settings.put("broker.session.timeout.ms", "2000");
        settings.put("broker.heartbeat.interval.ms", "200");
        settings.put("leader.imbalance.check.interval.ms", "1000");
        // Bound as port 0 like the data plane: the default (data-plane port + 1000) is a port nobody
        // reserved, and a restarted node found it taken by another process on a busy machine.
        settings.put("metrics.port", "0");
        settings.putAll(overrides);
        if (overrides.containsKey("listeners")) {
            // Kafka's listeners replace listen; {port} is this node's data-plane port, the one address() gives.
            settings.remove("listen");
            settings.put("listeners", overrides.get("listeners").replace("{port}", clientPorts.get(id).toString()));
        }
        return NodeConfig.from(settings);
    }

    /** Starts (or restarts, with its data) node {@code id}. */
    public Node startNode(int id) throws IOException {
        SimulatedDisk disk = disks.get(id);
        Node node = Node.start(config(id), disk != null ? disk : FileAccess.DIRECT);
        synchronized (nodes) {
            nodes.put(id, node);
            clientPorts.put(id, node.address().getPort()); // kept for restarts, so addresses stay valid
        }
        return node;
    }

    /**
     * Starts a broker-only node ({@code process.roles=broker}) with the next free id above the voters',
     * while the cluster serves; returns its id. It follows the metadata log as a Raft listener.
     */
    public int addBrokerOnlyNode() throws IOException {
        int id;
        synchronized (nodes) {
            id = raftPorts.keySet().stream().mapToInt(Integer::intValue).max().orElse(0) + 1;
            raftPorts.put(id, freePort());
            clientPorts.put(id, 0);
            if (simulatedDisks) {
                disks.put(id, new SimulatedDisk());
            }
        }
        startNode(id);
        return id;
    }

    /** Stops node {@code id} with a controlled shutdown. */
    public void stopNode(int id) {
        Node node = nodes.remove(id);
        if (node != null) {
            node.close();
        }
    }

    /**
     * Crashes node {@code id}: no controlled shutdown, threads stopped, sockets closed, nothing flushed
     * and no checkpoint written. What it wrote stays (the page cache survives a process crash).
     */
    public void killNode(int id) {
        Node node = nodes.remove(id);
        if (node != null) {
            node.halt();
        }
    }

    /**
     * Node {@code id} loses power: its disk fails from this instant (so nothing later is fsynced or
     * acknowledged as durable), the node crashes, and when the power is back its files hold what was
     * fsynced before the cut, plus a torn tail in {@link SimulatedDisk.Loss#TORN_TAIL} mode. Needs a
     * cluster started with {@link #startWithSimulatedDisks}. Start the node again with {@link #startNode}.
     */
    public void powerLoss(int id, SimulatedDisk.Loss loss, Random random) throws IOException {
        SimulatedDisk disk = disks.get(id);
        if (disk == null) {
            throw new IllegalStateException("power loss needs a cluster started with startWithSimulatedDisks");
        }
        disk.powerOff();
        killNode(id);
        disk.powerOn(loss, random);
    }

    /** Every node loses power at the same instant (a data centre outage); see {@link #powerLoss}. */
    public void powerLossAll(SimulatedDisk.Loss loss, Random random) throws IOException {
        List<Integer> ids = new ArrayList<>(nodes.keySet());
        ids.forEach(id -> disks.get(id).powerOff());
        for (int id : ids) {
            killNode(id);
        }
        for (int id : ids) {
            disks.get(id).powerOn(loss, random);
        }
    }

    /** The data directory of node {@code id}'s partition logs. */
    public Path logsDir(int id) {
        return config(id).logsDir();
    }

    public Node node(int id) {
        Node node = nodes.get(id);
        if (node == null) {
            throw new IllegalStateException("node " + id + " is not running");
        }
        return node;
    }

    public List<Node> runningNodes() {
        return nodes.values().stream().sorted(Comparator.comparingInt(Node::nodeId)).toList();
    }

    public int size() {
        return size;
    }

    /** The metadata leader as the running nodes agree on it, if they do. */
    public OptionalInt leaderId() {
        for (Node n : nodes.values()) {
            if (n.metadata().isLeader()) {
                return OptionalInt.of(n.nodeId());
            }
        }
        return OptionalInt.empty();
    }

    public Node leader(Duration timeout) {
        await(timeout, "a metadata leader", () -> leaderId().isPresent());
        return node(leaderId().getAsInt());
    }

    /** Waits until a leader is elected and every running node's broker is registered and unfenced. */
    public void awaitReady(Duration timeout) {
        await(timeout, "every running broker registered and unfenced", () -> {
            OptionalInt leader = leaderId();
            if (leader.isEmpty()) {
                return false;
            }
            var image = nodes.get(leader.getAsInt()).metadata().image();
            return nodes.keySet().stream().allMatch(image.cluster()::isUnfenced);
        });
    }

    public String bootstrapServers() {
        return runningNodes().stream().map(n -> "127.0.0.1:" + n.address().getPort()).collect(Collectors.joining(","));
    }

    /** Node {@code id}'s data-plane address (the port it bound; it keeps it across restarts). */
    public InetSocketAddress address(int id) {
        return new InetSocketAddress("127.0.0.1", clientPorts.get(id));
    }

    /** Polls {@code condition} until it holds or fails the test with what was awaited. */
    public static void await(Duration timeout, String what, BooleanSupplier condition) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out after " + timeout.toMillis() + " ms waiting for " + what);
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted waiting for " + what);
            }
        }
    }

    @Override
    public void close() {
        for (Integer id : new ArrayList<>(nodes.keySet())) {
            killNode(id);
        }
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            s.setReuseAddress(true);
            return s.getLocalPort();
        }
    }
}
