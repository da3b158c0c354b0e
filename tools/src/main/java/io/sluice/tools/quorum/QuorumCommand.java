package io.sluice.tools.quorum;

import com.beust.jcommander.JCommander;
import com.beust.jcommander.Parameter;
import com.beust.jcommander.ParameterException;
import com.beust.jcommander.Parameters;
import io.sluice.tools.Command;
import io.sluice.tools.CommonOptions;
import io.sluice.tools.ErrorLines;
import io.sluice.tools.ToolException;
import io.sluice.tools.Usage;
import io.sluice.tools.UsageException;
import io.sluice.tools.configs.NoSplitter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@code ./sluice quorum start|stop|status|kill N}: a local cluster of combined nodes in the
 * background, its data, logs and settings under one directory. Each action is a jcommander
 * sub-command with its own options and help; {@link QuorumStart} and {@link QuorumStatus} hold the
 * two that talk to the nodes. Not thread-safe (one command line at a time).
 */
public final class QuorumCommand implements Command {
    /** What every action takes: the cluster's directory. */
    static class DirOptions extends CommonOptions {
        @Parameter(names = "--data-dir", placeholder = "DIR", description = "The cluster's directory: every node's data "
                + "and logs, and the settings start was given; give the same one to start, stop, status and kill")
        String dataDir = defaultDataDir();
    }

    @Parameters(commandDescription = "Start the nodes that are not running (all of them the first time) and wait "
            + "until the metadata quorum has a leader and every broker is ready")
    static final class Start extends DirOptions {
        @Parameter(names = "--nodes", placeholder = "N", description = "Number of nodes of a new cluster, 1-9 (default 3)")
        Integer nodes;
        @Parameter(names = "--brokers", placeholder = "N", description = "Broker-only nodes (process.roles=broker) after"
                + " the voters: they host partitions and follow the metadata without voting; a larger N adds nodes to"
                + " a running cluster (default 0)")
        Integer brokers;
        @Parameter(names = "--base-port", placeholder = "PORT", description = "Client port of node 1 of a new cluster; node N "
                + "uses PORT+N-1 for clients and PORT+10000+N-1 for Raft (default " + LocalQuorum.DEFAULT_BASE_PORT + ")")
        Integer basePort;
        @Parameter(names = "--override", placeholder = "KEY=VALUE", splitter = NoSplitter.class, description = "A node "
                + "setting for every node (./sluice broker --help lists them, and log.level), remembered in --data-dir "
                + "for later starts; KEY= forgets one")
        List<String> overrides = new ArrayList<>();
        @Parameter(names = "--timeout-ms", placeholder = "MS", description = "How long to wait for the cluster to be ready")
        int timeoutMs = 90_000;
    }

    @Parameters(commandDescription = "Stop every running node, one at a time, each handing its partition leadership over")
    static final class Stop extends DirOptions {
    }

    @Parameters(commandDescription = "Show each node, its ports and role; exit 0 only when every node is up and the "
            + "quorum has a leader")
    static final class Status extends DirOptions {
    }

    @Parameters(commandDescription = "Kill node NODE_ID with SIGKILL, as a crash; start brings it back with its data")
    static final class Kill extends DirOptions {
        @Parameter(description = "NODE_ID")
        List<String> node = new ArrayList<>();
    }

    /** The default --data-dir: data/ of the checkout when run through ./sluice (SLUICE_DATA_DIR), else ./data. */
    static String defaultDataDir() {
        String env = System.getenv("SLUICE_DATA_DIR");
        return env != null && !env.isBlank() ? env : "data";
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
    public List<String> examples() {
        return List.of("./sluice quorum start", "./sluice quorum start --data-dir /tmp/sluice --base-port 29092 "
                + "--override num.partitions=3 --override log.level=DEBUG");
    }

    @Override
    public List<String> actions() {
        return List.of("start", "stop", "status", "kill");
    }

    private static Map<String, List<String>> actionExamples() {
        Map<String, List<String>> examples = new LinkedHashMap<>();
        examples.put("start", List.of("./sluice quorum start", "./sluice quorum start --data-dir /tmp/sluice "
                + "--base-port 29092 --override default.replication.factor=3"));
        examples.put("stop", List.of("./sluice quorum stop", "./sluice quorum stop --data-dir /tmp/sluice"));
        examples.put("status", List.of("./sluice quorum status", "./sluice quorum status --data-dir /tmp/sluice"));
        examples.put("kill", List.of("./sluice quorum kill 1", "./sluice quorum kill 2 --data-dir /tmp/sluice"));
        return examples;
    }

    @Override
    public int run(String[] args) throws Exception {
        if (args.length > 0 && args[0].startsWith("-") && !List.of("--help", "-h", "--verbose").contains(args[0])) {
            throw new UsageException("give the action first, then its options: ./sluice quorum start|stop|status|kill "
                    + args[0] + " ...");
        }
        CommonOptions top = new CommonOptions();
        Map<String, DirOptions> actions = new LinkedHashMap<>();
        actions.put("start", new Start());
        actions.put("stop", new Stop());
        actions.put("status", new Status());
        actions.put("kill", new Kill());
        JCommander.Builder builder = JCommander.newBuilder().programName("./sluice quorum").addObject(top);
        actions.forEach(builder::addCommand);
        JCommander jc = builder.build();
        String action = args.length > 0 ? args[0] : null;
        try {
            jc.parse(args);
        } catch (ParameterException e) {
            if (action != null && actions.containsKey(action)) {
                throw new UsageException(ErrorLines.describe(e), "quorum " + action);
            }
            throw e;
        }
        if (top.help) {
            Usage.print(jc, "./sluice quorum ACTION [OPTIONS]", summary() + ". Every action takes the same --data-dir.",
                    examples(), System.out);
            return 0;
        }
        if (jc.getParsedCommand() == null) {
            throw new UsageException("say what to do: ./sluice quorum start | stop | status | kill NODE_ID");
        }
        action = jc.getParsedCommand();
        DirOptions o = actions.get(action);
        if (o.help) {
            JCommander sub = jc.getCommands().get(action);
            String synopsis = "./sluice quorum " + action + (action.equals("kill") ? " NODE_ID" : "") + " [OPTIONS]";
            Usage.print(sub, synopsis, sub.getObjects().get(0).getClass().getAnnotation(Parameters.class).commandDescription(),
                    actionExamples().get(action), System.out);
            return 0;
        }
        Path dir = Path.of(o.dataDir).toAbsolutePath().normalize();
        return switch (action) {
            case "start" -> new QuorumStart(dir, (Start) o, sluiceHome()).run();
            case "stop" -> stop(existing(dir));
            case "status" -> new QuorumStatus(existing(dir), sluiceHome()).run(dirFlag(dir));
            default -> {
                int node = nodeId((Kill) o); // a usage error wins over a missing cluster
                yield kill(existing(dir), node);
            }
        };
    }

    static Path sluiceHome() {
        String home = System.getProperty("sluice.home");
        if (home == null) {
            throw new UsageException("sluice.home is not set; run this command through ./sluice or bin/sluice");
        }
        return Path.of(home);
    }

    /** " --data-dir DIR" when the directory is not the default, for the commands a message suggests. */
    static String dirFlag(Path dir) {
        return dir.equals(Path.of(defaultDataDir()).toAbsolutePath().normalize()) ? "" : " --data-dir " + dir;
    }

    private static LocalQuorum existing(Path dir) throws Exception {
        return LocalQuorum.load(dir).orElseThrow(() -> new ToolException("no local cluster in " + dir
                + "; start one with ./sluice quorum start" + dirFlag(dir)));
    }

    private static int stop(LocalQuorum quorum) throws Exception {
        NodeProcesses processes = new NodeProcesses(quorum, sluiceHome());
        int stopped = 0;
        // One node at a time, so each moves its partition leadership to nodes still up.
        for (int n = 1; n <= quorum.nodes(); n++) {
            Optional<ProcessHandle> p = processes.find(n);
            if (p.isEmpty()) {
                System.out.println("Node " + n + " is not running");
                continue;
            }
            boolean clean = processes.stop(p.get(), Duration.ofSeconds(30));
            stopped++;
            System.out.println("Stopped node " + n + " (pid " + p.get().pid() + ")" + (clean ? "" : " forcibly, after 30 s"));
        }
        System.out.println(stopped == 0 ? "No node was running." : "The data stays in " + quorum.dir()
                + "; ./sluice quorum start" + dirFlag(quorum.dir()) + " starts the cluster again, rm -rf removes it.");
        return 0;
    }

    private static int nodeId(Kill o) {
        if (o.node.size() != 1) {
            throw new UsageException("kill needs one node id, e.g. ./sluice quorum kill 2", "quorum kill");
        }
        try {
            return Integer.parseInt(o.node.get(0));
        } catch (NumberFormatException e) {
            throw new UsageException("'" + o.node.get(0) + "' is not a node id; use a number such as 1", "quorum kill");
        }
    }

    private static int kill(LocalQuorum quorum, int n) throws Exception {
        if (n < 1 || n > quorum.nodes()) {
            throw new UsageException("node " + n + " is not in this cluster; its nodes are 1.." + quorum.nodes(), "quorum kill");
        }
        NodeProcesses processes = new NodeProcesses(quorum, sluiceHome());
        Optional<ProcessHandle> p = processes.find(n);
        if (p.isEmpty()) {
            throw new ToolException("node " + n + " is not running; ./sluice quorum status" + dirFlag(quorum.dir())
                    + " shows which nodes are");
        }
        processes.kill(p.get());
        System.out.println("Killed node " + n + " (pid " + p.get().pid() + ") with SIGKILL; ./sluice quorum start"
                + dirFlag(quorum.dir()) + " brings it back");
        return 0;
    }
}
