package io.sluice.tools.quorum;

import io.sluice.protocol.rpc.DescribeClusterResponse;
import io.sluice.protocol.rpc.DescribeQuorumResponse;
import io.sluice.server.NodeConfig;
import io.sluice.tools.ToolException;
import io.sluice.tools.UsageException;
import io.sluice.tools.broker.BrokerCommand;
import io.sluice.tools.configs.ClientOptions;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * {@code quorum start}: starts the nodes of a local cluster that are not running and waits until it
 * is ready, and never reports success for a cluster that is not its own. Before anything starts it
 * checks the settings (an override the node would refuse fails here, exit 2) and that the ports of
 * the nodes to start are free; while it waits, a node that exits ends the start with that node's
 * error line, and a node that answers with another cluster id (another cluster on these ports) ends
 * it too. Either way the nodes this start launched are stopped again. Not thread-safe.
 */
final class QuorumStart {
    /** Settings that the layout decides (ports, ids, directories); an override may not change them. */
    private static final Set<String> LAYOUT_KEYS = Set.of("node.id", "listen", "raft.address", "voters", "data.dir",
            "cluster.id", "process.roles");
    private static final long POLL_MS = 200;

    private final Path dir;
    private final QuorumCommand.Start options;
    private final Path sluiceHome;

    QuorumStart(Path dir, QuorumCommand.Start options, Path sluiceHome) {
        this.dir = dir;
        this.options = options;
        this.sluiceHome = sluiceHome;
    }

    int run() throws Exception {
        LocalQuorum quorum = layout();
        quorum.addOverrides(overrides());
        checkSettings(quorum);
        NodeProcesses processes = new NodeProcesses(quorum, sluiceHome);
        List<Integer> toStart = new ArrayList<>();
        for (int n = 1; n <= quorum.nodes(); n++) {
            Optional<ProcessHandle> running = processes.find(n);
            if (running.isPresent()) {
                System.out.println("Node " + n + " is already running (pid " + running.get().pid() + ")");
            } else {
                toStart.add(n);
            }
        }
        List<String> busy = new ArrayList<>();
        toStart.forEach(n -> busy.addAll(processes.busyPorts(n)));
        if (!busy.isEmpty()) {
            boolean existing = java.nio.file.Files.exists(quorum.dir().resolve("quorum.properties"));
            throw new ToolException("in use by another process: port " + String.join(", port ", busy)
                    + "; is another cluster running? Stop it" + (existing ? "" : ", or choose other ports with --base-port")
                    + ". Nothing was started.");
        }
        quorum.save();
        if (!quorum.overrides().isEmpty()) {
            System.out.println("Settings for every node (remembered in " + quorum.dir() + "): " + quorum.overrides());
        }
        List<Integer> started = new ArrayList<>();
        for (int n : toStart) {
            ProcessHandle p = processes.start(n);
            started.add(n);
            System.out.println("Started " + (quorum.isBrokerOnly(n) ? "broker-only node " : "node ") + n
                    + " (pid " + p.pid() + "): client port " + quorum.clientPort(n)
                    + ", Raft port " + quorum.raftPort(n) + ", log " + quorum.logFile(n));
        }
        try {
            awaitReady(quorum, processes, started);
        } catch (ToolException e) {
            stopAll(processes, started);
            throw e;
        }
        return 0;
    }

    private LocalQuorum layout() throws Exception {
        Optional<LocalQuorum> loaded = LocalQuorum.load(dir);
        if (loaded.isEmpty()) {
            return LocalQuorum.create(dir, options.nodes == null ? 3 : options.nodes,
                    options.brokers == null ? 0 : options.brokers, options.basePort == null ? LocalQuorum.DEFAULT_BASE_PORT : options.basePort);
        }
        LocalQuorum q = loaded.get();
        if (options.nodes != null && options.nodes != q.voterCount()) {
            throw new UsageException("the cluster in " + dir + " has " + q.voterCount() + " voters; --nodes " + options.nodes
                    + " cannot change that (use another --data-dir for a new cluster)", "quorum start");
        }
        if (options.basePort != null && options.basePort != q.basePort()) {
            throw new UsageException("the cluster in " + dir + " uses --base-port " + q.basePort() + "; --base-port "
                    + options.basePort + " cannot change that (use another --data-dir for a new cluster)", "quorum start");
        }
        if (options.brokers != null) {
            q.setBrokers(options.brokers);
        }
        return q;
    }

    private Map<String, String> overrides() {
        Map<String, String> given = ClientOptions.parsePairs(options.overrides, "--override");
        for (String key : given.keySet()) {
            if (LAYOUT_KEYS.contains(key)) {
                throw new UsageException("--override " + key + " is decided by quorum start itself; choose ports with "
                        + "--base-port and the directory with --data-dir", "quorum start");
            }
        }
        return given;
    }

    /** Refuses, before any node starts, a setting a node would refuse (unknown key, bad value). */
    private static void checkSettings(LocalQuorum quorum) {
        Map<String, String> settings = quorum.nodeSettings(1);
        String level = settings.remove(BrokerCommand.LOG_LEVEL);
        try {
            if (level != null) {
                BrokerCommand.checkLogLevel(level);
            }
            NodeConfig.from(settings);
        } catch (IllegalArgumentException | UsageException e) {
            throw new UsageException("--override: " + e.getMessage(), "quorum start");
        }
    }

    private void awaitReady(LocalQuorum quorum, NodeProcesses processes, List<Integer> started) throws Exception {
        long deadline = System.currentTimeMillis() + options.timeoutMs;
        String lastState = "no node answered yet";
        try (QuorumProbe probe = new QuorumProbe(2_000)) {
            while (System.currentTimeMillis() < deadline) {
                for (int n : started) {
                    if (processes.find(n).isEmpty()) {
                        throw new ToolException("node " + n + " exited during start: " + processes.lastError(n)
                                + " (its output: " + quorum.outFile(n) + ", its log: " + quorum.logFile(n) + ")");
                    }
                }
                Optional<String> state = readiness(quorum, probe);
                if (state.isEmpty()) {
                    printReady(quorum);
                    return;
                }
                lastState = state.get();
                Thread.sleep(POLL_MS);
            }
        }
        throw new ToolException("the cluster was not ready within " + options.timeoutMs + " ms (" + lastState
                + "); see the nodes' logs under " + quorum.dir());
    }

    /** Empty when ready, else what is missing. Throws when a node answers for another cluster. */
    private static Optional<String> readiness(LocalQuorum quorum, QuorumProbe probe) {
        int leader = -1;
        for (int n = 1; n <= quorum.nodes(); n++) {
            DescribeQuorumResponse q;
            try {
                q = probe.describeQuorum(address(quorum, n));
            } catch (Exception e) {
                return Optional.of("node " + n + " does not answer yet");
            }
            if (!q.getClusterId().equals(quorum.clusterId())) {
                throw new ToolException("the node answering on localhost:" + quorum.clientPort(n) + " belongs to cluster "
                        + q.getClusterId() + ", not to this one (" + quorum.clusterId() + " in " + quorum.dir()
                        + "); another cluster uses these ports: stop it, or use another --data-dir with --base-port");
            }
            leader = q.getLeaderId() > 0 ? q.getLeaderId() : leader;
        }
        if (leader <= 0) {
            return Optional.of("no metadata leader yet");
        }
        try {
            DescribeClusterResponse c = probe.describeCluster(address(quorum, leader));
            long ready = c.getBrokersList().stream().filter(b -> !b.getFenced()).count();
            return ready == quorum.nodes() ? Optional.empty()
                    : Optional.of("leader " + leader + ", " + ready + " of " + quorum.nodes() + " brokers ready");
        } catch (Exception e) {
            return Optional.of("the brokers are not registered yet");
        }
    }

    private static void printReady(LocalQuorum quorum) {
        String nodes = quorum.brokers() == 0 ? quorum.nodes() + " nodes"
                : quorum.voterCount() + " voters and " + quorum.brokers() + " broker-only nodes";
        System.out.println("Sluice quorum is up: " + nodes + ", cluster id " + quorum.clusterId());
        System.out.println("Bootstrap servers: " + quorum.bootstrapServers() + " (Raft ports " + quorum.raftPort(1) + "-"
                + quorum.raftPort(quorum.nodes()) + ")");
        System.out.println("Data, logs and settings: " + quorum.dir());
    }

    private static void stopAll(NodeProcesses processes, List<Integer> started) {
        for (int n : started) {
            try {
                processes.find(n).ifPresent(p -> processes.stop(p, java.time.Duration.ofSeconds(10)));
            } catch (Exception e) {
                System.err.println("Could not stop node " + n + ": " + e.getMessage());
            }
        }
        if (!started.isEmpty()) {
            System.err.println("Stopped the nodes this start launched (" + started + ").");
        }
    }

    static InetSocketAddress address(LocalQuorum quorum, int n) {
        return new InetSocketAddress("localhost", quorum.clientPort(n));
    }
}
