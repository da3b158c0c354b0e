package io.sluice.jepsen.harness;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One network namespace per node, joined by a bridge in the host namespace: node N is
 * {@code 10.213.77.N/24} on its {@code eth0}, the harness (clients, admin) reaches them from the
 * bridge's {@code 10.213.77.254}. Faults are iptables rules in a node's own namespace: a cut drops
 * INPUT from a peer's address (so the harness keeps reaching every node, as a Jepsen client would), a
 * loss drops a random share of INPUT with the {@code statistic} match (this kernel has no netem).
 * Every name starts with {@value #PREFIX}, so {@link #close} (and a later run, after a crash) can find
 * and remove everything. Thread-safe: methods only run commands and synchronize on this.
 */
public final class NamespaceNetwork implements Network {
    private static final Logger LOG = LoggerFactory.getLogger(NamespaceNetwork.class);
    static final String PREFIX = "sjepsen-";
    private static final String BRIDGE = PREFIX + "br";
    private static final String SUBNET = "10.213.77.";
    private static final int PORT = 9092;
    private static final int RAFT_PORT = 19092;

    private final int nodes;
    private final boolean iptables;
    private boolean closed;

    private NamespaceNetwork(int nodes, boolean iptables) {
        this.nodes = nodes;
        this.iptables = iptables;
    }

    /**
     * Creates the namespaces, veths and bridge for {@code nodes} nodes, after removing leftovers of an
     * earlier run. Throws {@link IllegalStateException} saying why when this machine cannot do it.
     */
    public static NamespaceNetwork create(int nodes) {
        if (!Files.isExecutable(Path.of("/usr/sbin/ip")) && !Files.isExecutable(Path.of("/sbin/ip"))) {
            throw new IllegalStateException("the 'ip' command is not installed");
        }
        if (!"root".equals(System.getProperty("user.name"))) {
            throw new IllegalStateException("network namespaces need root (running as " + System.getProperty("user.name") + ")");
        }
        removeLeftovers();
        NamespaceNetwork network = new NamespaceNetwork(nodes, Shell.run("iptables", "--version").ok());
        try {
            Shell.check("ip", "link", "add", BRIDGE, "type", "bridge");
            Shell.check("ip", "addr", "add", SUBNET + "254/24", "dev", BRIDGE);
            Shell.check("ip", "link", "set", BRIDGE, "up");
            for (int n = 1; n <= nodes; n++) {
                String ns = namespace(n);
                Shell.check("ip", "netns", "add", ns);
                Shell.check("ip", "link", "add", PREFIX + "v" + n, "type", "veth", "peer", "name", "eth0", "netns", ns);
                Shell.check("ip", "link", "set", PREFIX + "v" + n, "master", BRIDGE, "up");
                Shell.check("ip", "-n", ns, "addr", "add", SUBNET + n + "/24", "dev", "eth0");
                Shell.check("ip", "-n", ns, "link", "set", "eth0", "up");
                Shell.check("ip", "-n", ns, "link", "set", "lo", "up");
            }
        } catch (RuntimeException e) {
            network.close();
            throw e;
        }
        if (!network.iptables) {
            LOG.warn("iptables is not installed (apt-get install iptables): partitions and packet loss are off");
        }
        return network;
    }

    static String namespace(int node) {
        return PREFIX + node;
    }

    @Override
    public String host(int node) {
        return SUBNET + node;
    }

    @Override
    public int port(int node) {
        return PORT;
    }

    @Override
    public int raftPort(int node) {
        return RAFT_PORT;
    }

    @Override
    public List<String> launchPrefix(int node) {
        return List.of("ip", "netns", "exec", namespace(node));
    }

    @Override
    public boolean supportsFaults() {
        return iptables;
    }

    @Override
    public synchronized void cut(Map<Integer, Set<Integer>> grudges) {
        grudges.forEach((node, sources) -> sources.forEach(source ->
                iptables(node, "-A", "INPUT", "-s", host(source), "-j", "DROP")));
    }

    @Override
    public synchronized void loss(Collection<Integer> targets, double probability) {
        for (int node : targets) {
            iptables(node, "-A", "INPUT", "-m", "statistic", "--mode", "random", "--probability",
                    Double.toString(probability), "-j", "DROP");
        }
    }

    @Override
    public synchronized void heal() {
        if (!iptables || closed) {
            return;
        }
        for (int n = 1; n <= nodes; n++) {
            iptables(n, "-F", "INPUT");
        }
    }

    private void iptables(int node, String... rule) {
        List<String> command = new ArrayList<>(List.of("ip", "netns", "exec", namespace(node), "iptables", "-w", "5"));
        command.addAll(List.of(rule));
        Shell.Result r = Shell.run(command, java.time.Duration.ofSeconds(15));
        if (!r.ok()) {
            throw new IllegalStateException("iptables in " + namespace(node) + " failed: " + r.output());
        }
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        removeLeftovers();
    }

    /**
     * Kills whatever still runs in our namespaces, deletes them, the bridge and any veth left in the
     * host namespace, and waits (at most 15 s) until the kernel has really removed the links: a deleted
     * namespace is destroyed asynchronously, and a run started right after would find its names taken.
     */
    static void removeLeftovers() {
        for (String ns : Shell.run("ip", "netns", "list").output().lines().map(l -> l.split("\\s+")[0]).toList()) {
            if (!ns.startsWith(PREFIX)) {
                continue;
            }
            for (String pid : Shell.run("ip", "netns", "pids", ns).output().lines().toList()) {
                if (pid.matches("\\d+")) {
                    Shell.run("kill", "-9", pid);
                }
            }
            Shell.run("ip", "netns", "del", ns);
        }
        long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(15);
        List<String> links = hostLinks();
        while (!links.isEmpty() && System.nanoTime() < deadline) {
            links.forEach(link -> Shell.run("ip", "link", "del", link));
            Cluster.sleep(200);
            links = hostLinks();
        }
        if (!links.isEmpty()) {
            LOG.warn("could not remove the links {} of an earlier run", links);
        }
    }

    /** Our bridge and veths still present in the host namespace. */
    private static List<String> hostLinks() {
        return Shell.run("ip", "-o", "link", "show").output().lines()
                .map(l -> l.split(":\\s+")).filter(parts -> parts.length > 1)
                .map(parts -> parts[1].split("@")[0]).filter(name -> name.startsWith(PREFIX)).toList();
    }
}
