package io.sluice.tools.quorum;

import io.sluice.protocol.rpc.BrokerDescription;
import io.sluice.protocol.rpc.DescribeClusterResponse;
import io.sluice.protocol.rpc.DescribeQuorumResponse;
import io.sluice.tools.ToolException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * {@code quorum status}: one line per node (process, ports, metadata role, broker state), and an
 * exit code a script can trust: 0 only when every node runs, answers for this cluster, and the
 * metadata quorum has a leader; otherwise a {@link ToolException} naming the nodes that are not
 * (exit 1). Not thread-safe.
 */
final class QuorumStatus {
    private final LocalQuorum quorum;
    private final NodeProcesses processes;

    QuorumStatus(LocalQuorum quorum, Path sluiceHome) {
        this.quorum = quorum;
        this.processes = new NodeProcesses(quorum, sluiceHome);
    }

    int run(String dirFlag) throws Exception {
        System.out.println("Cluster " + quorum.clusterId() + " in " + quorum.dir() + " (" + quorum.nodes()
                + " nodes, bootstrap servers " + quorum.bootstrapServers() + ")");
        List<String> down = new ArrayList<>();
        int leader = -1;
        DescribeClusterResponse cluster = null;
        try (QuorumProbe probe = new QuorumProbe(2_000, SecureQuorum.toolsTls(quorum))) {
            List<NodeState> states = new ArrayList<>();
            for (int n = 1; n <= quorum.nodes(); n++) {
                Optional<ProcessHandle> p = processes.find(n);
                String state = p.isEmpty() ? "down" : answer(probe, n, down);
                if (p.isEmpty()) {
                    down.add("node " + n + " is down");
                } else if (state.startsWith("leader ")) {
                    leader = Integer.parseInt(state.substring("leader ".length()));
                }
                states.add(new NodeState(p.map(h -> "pid " + h.pid()).orElse("down"), state));
            }
            if (leader > 0) {
                cluster = describeCluster(probe, leader);
            }
            for (int n = 1; n <= quorum.nodes(); n++) {
                NodeState s = states.get(n - 1);
                System.out.printf("Node %d  %-11s  client localhost:%d  raft localhost:%d  %s%n", n, s.process(),
                        quorum.clientPort(n), quorum.raftPort(n), role(n, s.state(), leader, cluster));
                System.out.printf("        metrics http://localhost:%d/metrics%n",
                        io.sluice.server.NodeConfig.defaultMetricsPort(quorum.nativePort(n)));
            }
        }
        if (down.isEmpty() && leader <= 0) {
            down.add("the metadata quorum has no leader");
        }
        if (!down.isEmpty()) {
            throw new ToolException(String.join("; ", down) + "; ./sluice quorum start" + dirFlag
                    + " starts what is not running, and the nodes' logs under " + quorum.dir() + " say why");
        }
        return 0;
    }

    /** "leader N" when node n answers for this cluster, else what is wrong (also added to down). */
    private String answer(QuorumProbe probe, int n, List<String> down) {
        try {
            DescribeQuorumResponse q = probe.describeQuorum(QuorumStart.address(quorum, n));
            if (!q.getClusterId().equals(quorum.clusterId())) {
                down.add("node " + n + "'s port answers for another cluster (" + q.getClusterId() + ")");
                return "another cluster";
            }
            return "leader " + q.getLeaderId();
        } catch (Exception e) {
            down.add("node " + n + " runs but does not answer");
            return "not answering";
        }
    }

    private DescribeClusterResponse describeCluster(QuorumProbe probe, int leader) {
        try {
            return probe.describeCluster(QuorumStart.address(quorum, leader));
        } catch (Exception e) {
            return null; // the roles show "broker not registered"; the leader itself answered
        }
    }

    /** What the process table says about a node, and what the node says ("leader N", or why not). */
    private record NodeState(String process, String state) {
    }

    private static String role(int n, String state, int leader, DescribeClusterResponse cluster) {
        if (!state.startsWith("leader ")) {
            return state.equals("down") ? "-" : state;
        }
        String raft = leader == n ? "metadata leader" : leader > 0 ? "metadata follower" : "no metadata leader";
        String broker = "broker not registered";
        if (cluster != null) {
            for (BrokerDescription b : cluster.getBrokersList()) {
                if (b.getBrokerId() == n) {
                    broker = b.getFenced() ? "broker fenced" : "broker ready";
                }
            }
        }
        return raft + ", " + broker;
    }
}
