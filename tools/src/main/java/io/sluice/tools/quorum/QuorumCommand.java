package io.sluice.tools.quorum;

import com.beust.jcommander.JCommander;
import com.beust.jcommander.Parameter;
import io.sluice.protocol.rpc.BrokerDescription;
import io.sluice.protocol.rpc.DescribeClusterResponse;
import io.sluice.protocol.rpc.DescribeQuorumResponse;
import io.sluice.tools.Command;
import io.sluice.tools.UsageException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * {@code ./sluice quorum start|stop|status|kill N}: a local cluster of combined nodes in the
 * background, its data and logs under one directory. {@code start} starts whichever nodes are not
 * running (all of them the first time) and waits until a metadata leader is elected and every broker
 * is registered and unfenced.
 */
public final class QuorumCommand implements Command {
    static final class Options {
        @Parameter(description = "start | stop | status | kill NODE_ID")
        List<String> action = new ArrayList<>();
        @Parameter(names = "--nodes", description = "Number of nodes of a new cluster (1-9, default 3)")
        Integer nodes;
        @Parameter(names = "--data-dir", description = "Directory holding every node's data and logs")
        String dataDir = "data";
        @Parameter(names = "--timeout-ms", description = "How long start waits for the cluster to be ready")
        int timeoutMs = 90_000;
        @Parameter(names = {"--help", "-h"}, help = true)
        boolean help;
    }

    @Override
    public String name() {
        return "quorum";
    }

    @Override
    public String summary() {
        return "Start, stop, inspect or kill nodes of a local cluster (start | stop | status | kill N)";
    }

    @Override
    public int run(String[] args) throws Exception {
        Options o = new Options();
        JCommander jc = JCommander.newBuilder().programName("./sluice quorum").addObject(o).build();
        jc.parse(args);
        if (o.help) {
            jc.usage();
            return 0;
        }
        if (o.action.isEmpty()) {
            throw new UsageException("say what to do: ./sluice quorum start | stop | status | kill NODE_ID");
        }
        Path dir = Path.of(o.dataDir).toAbsolutePath().normalize();
        String action = o.action.get(0);
        switch (action) {
            case "start":
                return start(dir, o);
            case "stop":
                return stop(existing(dir));
            case "status":
                return status(existing(dir));
            case "kill":
                if (o.action.size() != 2) {
                    throw new UsageException("kill needs the node id: ./sluice quorum kill 2");
                }
                return kill(existing(dir), parseNode(o.action.get(1)));
            default:
                throw new UsageException("unknown action '" + action + "'; use start, stop, status or kill NODE_ID");
        }
    }

    private static int parseNode(String s) {
        try {
            return Integer.parseInt(s);
        } catch (NumberFormatException e) {
            throw new UsageException("'" + s + "' is not a node id; use a number such as 1");
        }
    }

    private static LocalQuorum existing(Path dir) throws Exception {
        return LocalQuorum.load(dir).orElseThrow(() -> new UsageException("no local cluster in " + dir
                + "; start one with ./sluice quorum start" + (dir.endsWith("data") ? "" : " --data-dir " + dir)));
    }

    private static Path sluiceHome() {
        String home = System.getProperty("sluice.home");
        if (home == null) {
            throw new UsageException("sluice.home is not set; run this command through ./sluice or bin/sluice");
        }
        return Path.of(home);
    }

    private int start(Path dir, Options o) throws Exception {
        Optional<LocalQuorum> loaded = LocalQuorum.load(dir);
        if (loaded.isPresent() && o.nodes != null && loaded.get().nodes() != o.nodes) {
            throw new UsageException("the cluster in " + dir + " has " + loaded.get().nodes() + " nodes; --nodes "
                    + o.nodes + " cannot change that (use another --data-dir for a new cluster)");
        }
        LocalQuorum quorum = loaded.isPresent() ? loaded.get() : LocalQuorum.create(dir, o.nodes == null ? 3 : o.nodes);
        NodeProcesses processes = new NodeProcesses(quorum, sluiceHome());
        List<Integer> started = new ArrayList<>();
        for (int n = 1; n <= quorum.nodes(); n++) {
            Optional<ProcessHandle> running = processes.find(n);
            if (running.isPresent()) {
                System.out.println("Node " + n + " is already running (pid " + running.get().pid() + ")");
                continue;
            }
            ProcessHandle p = processes.start(n);
            started.add(n);
            System.out.println("Started node " + n + " (pid " + p.pid() + "), log: " + quorum.logFile(n));
        }
        return awaitReady(quorum, processes, started, o.timeoutMs);
    }

    private int awaitReady(LocalQuorum quorum, NodeProcesses processes, List<Integer> started, int timeoutMs)
            throws Exception {
        long deadline = System.currentTimeMillis() + timeoutMs;
        String lastState = "no node answered yet";
        try (QuorumProbe probe = new QuorumProbe(2_000)) {
            while (System.currentTimeMillis() < deadline) {
                for (int n : started) {
                    if (processes.find(n).isEmpty()) {
                        System.err.println("Node " + n + " exited during start. The end of " + quorum.logFile(n) + ":");
                        System.err.println(processes.tail(n, 15));
                        return 1;
                    }
                }
                try {
                    DescribeQuorumResponse q = probe.describeQuorum(addresses(quorum));
                    DescribeClusterResponse c = probe.describeCluster(address(quorum, q.getLeaderId()));
                    long ready = c.getBrokersList().stream().filter(b -> !b.getFenced()).count();
                    lastState = "leader " + q.getLeaderId() + ", " + ready + " of " + quorum.nodes() + " brokers ready";
                    if (ready == quorum.nodes()) {
                        System.out.println("Sluice quorum is up: " + quorum.nodes() + " nodes, metadata leader node "
                                + q.getLeaderId() + " (epoch " + q.getLeaderEpoch() + "), cluster id " + q.getClusterId());
                        System.out.println("Bootstrap servers: " + quorum.bootstrapServers());
                        System.out.println("Data and logs: " + quorum.dir());
                        return 0;
                    }
                } catch (Exception e) {
                    lastState = e.getMessage();
                }
                Thread.sleep(250);
            }
        }
        System.err.println("The cluster was not ready within " + timeoutMs + " ms (" + lastState
                + "). The nodes keep running; see their logs under " + quorum.dir() + ", or ./sluice quorum status");
        return 1;
    }

    private int stop(LocalQuorum quorum) throws Exception {
        NodeProcesses processes = new NodeProcesses(quorum, sluiceHome());
        List<ProcessHandle> running = new ArrayList<>();
        for (int n = 1; n <= quorum.nodes(); n++) {
            Optional<ProcessHandle> p = processes.find(n);
            if (p.isPresent()) {
                running.add(p.get());
            } else {
                System.out.println("Node " + n + " is not running");
            }
        }
        // One node at a time, so each moves its partition leadership to nodes still up.
        for (ProcessHandle p : running) {
            boolean clean = processes.stop(p, Duration.ofSeconds(30));
            System.out.println("Stopped pid " + p.pid() + (clean ? "" : " (forcibly, after 30 s)"));
        }
        return 0;
    }

    private int kill(LocalQuorum quorum, int n) throws Exception {
        if (n < 1 || n > quorum.nodes()) {
            throw new UsageException("node " + n + " is not in this cluster; its nodes are 1.." + quorum.nodes());
        }
        NodeProcesses processes = new NodeProcesses(quorum, sluiceHome());
        Optional<ProcessHandle> p = processes.find(n);
        if (p.isEmpty()) {
            System.out.println("Node " + n + " is not running");
            return 1;
        }
        processes.kill(p.get());
        System.out.println("Killed node " + n + " (pid " + p.get().pid() + ") with SIGKILL; ./sluice quorum start brings it back");
        return 0;
    }

    private int status(LocalQuorum quorum) throws Exception {
        NodeProcesses processes = new NodeProcesses(quorum, sluiceHome());
        DescribeQuorumResponse q = null;
        DescribeClusterResponse c = null;
        try (QuorumProbe probe = new QuorumProbe(2_000)) {
            q = probe.describeQuorum(addresses(quorum));
            c = probe.describeCluster(address(quorum, q.getLeaderId()));
        } catch (Exception e) {
            System.out.println("(no node answered: " + e.getMessage() + ")");
        }
        for (int n = 1; n <= quorum.nodes(); n++) {
            Optional<ProcessHandle> p = processes.find(n);
            String role = p.isEmpty() ? "-" : role(n, q, c);
            System.out.printf("Node %d  %-12s  client localhost:%d  raft localhost:%d  %s%n", n,
                    p.map(h -> "pid " + h.pid()).orElse("down"), quorum.clientPort(n), quorum.raftPort(n), role);
            System.out.printf("        metrics http://localhost:%d/metrics%n", io.sluice.server.NodeConfig.defaultMetricsPort(quorum.clientPort(n)));
        }
        return 0;
    }

    private static String role(int n, DescribeQuorumResponse q, DescribeClusterResponse c) {
        if (q == null) {
            return "unreachable";
        }
        String raft = q.getLeaderId() == n ? "metadata leader" : "metadata follower";
        String broker = "broker not registered";
        if (c != null) {
            for (BrokerDescription b : c.getBrokersList()) {
                if (b.getBrokerId() == n) {
                    broker = b.getFenced() ? "broker fenced" : "broker ready";
                }
            }
        }
        return raft + ", " + broker;
    }

    private static List<InetSocketAddress> addresses(LocalQuorum quorum) {
        List<InetSocketAddress> list = new ArrayList<>();
        for (int n = 1; n <= quorum.nodes(); n++) {
            list.add(address(quorum, n));
        }
        return list;
    }

    private static InetSocketAddress address(LocalQuorum quorum, int n) {
        return new InetSocketAddress("localhost", quorum.clientPort(Math.max(1, n)));
    }
}
