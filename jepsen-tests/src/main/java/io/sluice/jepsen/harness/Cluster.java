package io.sluice.jepsen.harness;

import io.sluice.client.PartitionInfo;
import io.sluice.client.admin.Admin;
import io.sluice.client.admin.TopicDescription;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.StringJoiner;
import java.util.concurrent.TimeUnit;

/**
 * The nodes of one test: their processes, addresses and data directories, and what the admin API says
 * about them (the Raft leader, partition leaders). Nodes are numbered from 1. Thread-safe: the node
 * list is fixed; each {@link NodeProcess} synchronizes itself; admin clients are made per call.
 */
public final class Cluster implements AutoCloseable {
    private final Network network;
    private final Path dataRoot;
    private final List<NodeProcess> nodes = new ArrayList<>();
    private final ClusterSecurity security;

    /** A cluster without security (PLAINTEXT listeners). */
    public Cluster(Network network, Path distribution, Path runDir, int count, Map<String, String> overrides,
                   String heap) throws IOException {
        this(network, distribution, runDir, count, overrides, heap, ClusterSecurity.none());
    }

    /**
     * @param distribution the built distribution (holding bin/sluice)
     * @param runDir where node logs ({@code nodes/}) and data ({@code data/node-N}) go
     * @param overrides server.properties settings for every node
     * @param security the nodes' listeners and security, and the clients' settings
     */
    public Cluster(Network network, Path distribution, Path runDir, int count, Map<String, String> overrides,
                   String heap, ClusterSecurity security) throws IOException {
        this.network = network;
        this.security = security;
        this.dataRoot = runDir.resolve("data");
        Files.createDirectories(runDir.resolve("nodes"));
        StringJoiner voters = new StringJoiner(",");
        for (int n = 1; n <= count; n++) {
            voters.add(n + "@" + network.host(n) + ":" + network.raftPort(n));
        }
        for (int n = 1; n <= count; n++) {
            List<String> command = new ArrayList<>(network.launchPrefix(n));
            command.addAll(List.of(distribution.resolve("bin/sluice").toString(), "broker", "--node-id", Integer.toString(n),
                    "--raft-address", network.host(n) + ":" + network.raftPort(n), "--voters", voters.toString(),
                    "--data-dir", dataDir(n).toString(), "--cluster-id", "sluice-jepsen"));
            security.nodeSettings(n, network.host(n), network.port(n)).forEach((k, v) -> command.addAll(List.of("--override", k + "=" + v)));
            overrides.forEach((k, v) -> command.addAll(List.of("--override", k + "=" + v)));
            nodes.add(new NodeProcess(n, command, runDir.resolve("nodes/node-" + n + ".log"), heap));
        }
    }

    public Network network() {
        return network;
    }

    public ClusterSecurity security() {
        return security;
    }

    public List<NodeProcess> nodes() {
        return List.copyOf(nodes);
    }

    public NodeProcess node(int id) {
        return nodes.get(id - 1);
    }

    public List<Integer> ids() {
        return nodes.stream().map(NodeProcess::id).toList();
    }

    public Path dataDir(int node) {
        return dataRoot.resolve("node-" + node).toAbsolutePath();
    }

    /** host:port of every node, for bootstrap.servers. */
    public String bootstrap() {
        StringJoiner j = new StringJoiner(",");
        ids().forEach(n -> j.add(address(n)));
        return j.toString();
    }

    public String address(int node) {
        return network.host(node) + ":" + network.port(node);
    }

    public void startAll() throws IOException {
        for (NodeProcess n : nodes) {
            n.start();
        }
    }

    /**
     * An admin client on the given bootstrap servers with short timeouts, so faults do not stall callers;
     * as the super user with {@code --security sasl_ssl}.
     */
    public Admin admin(String bootstrapServers) {
        return admin(bootstrapServers, security.adminSettings());
    }

    /** As {@link #admin(String)}, with the client's security settings {@code securitySettings}. */
    public Admin admin(String bootstrapServers, Map<String, Object> securitySettings) {
        Map<String, Object> props = new LinkedHashMap<>(securitySettings);
        props.put("bootstrap.servers", bootstrapServers);
        props.put("request.timeout.ms", 3000);
        props.put("default.api.timeout.ms", 5000);
        props.put("socket.connection.setup.timeout.ms", 2000);
        return Admin.create(props);
    }

    /**
     * Waits until every node answers on its own address and sees every node registered and unfenced, up to
     * {@code timeout}; false if that never happened. Asking each node, not any one: right after a restart the
     * controller still holds the killed incarnation's registration, unfenced until its session times out,
     * so one node's answer would call the cluster healthy while a restarted node is still starting (seen
     * with TLS under load, where a start took over a minute).
     */
    public boolean awaitBrokers(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (ids().stream().allMatch(this::seesEveryBrokerUnfenced)) {
                return true;
            }
            sleep(500);
        }
        return false;
    }

    private boolean seesEveryBrokerUnfenced(int node) {
        try (Admin admin = admin(address(node))) {
            var cluster = admin.describeCluster().get(5, TimeUnit.SECONDS);
            return cluster.brokers().size() == nodes.size() && cluster.fencedBrokerIds().isEmpty();
        } catch (Exception e) {
            return false; // not up yet: the caller asks again until its deadline
        }
    }

    /** The metadata (Raft) leader, if the quorum answers. */
    public Optional<Integer> raftLeader() {
        try (Admin admin = admin(bootstrap())) {
            int leader = admin.describeQuorum().get(5, TimeUnit.SECONDS).leaderId();
            return leader > 0 ? Optional.of(leader) : Optional.empty();
        } catch (Exception e) {
            return Optional.empty();
        }
    }

    /** A partition's current description (leader, replicas, ISR), if the cluster answers. */
    public Optional<PartitionInfo> partition(String topic, int partition) {
        try (Admin admin = admin(bootstrap())) {
            TopicDescription d = admin.describeTopics(List.of(topic)).get(5, TimeUnit.SECONDS).get(topic);
            return d == null ? Optional.empty() : d.partitions().stream().filter(p -> p.partition() == partition).findFirst();
        } catch (Exception e) {
            return Optional.empty();
        }
    }

    /** Controlled shutdown of every node (resuming paused ones first). */
    public void stopAll() {
        nodes.forEach(n -> n.stop(30));
    }

    /** Kills every node; for teardown after a failure. */
    public void killAll() {
        nodes.forEach(NodeProcess::kill);
    }

    @Override
    public void close() {
        killAll();
    }

    static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
