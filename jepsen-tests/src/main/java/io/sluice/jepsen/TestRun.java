package io.sluice.jepsen;

import io.sluice.jepsen.checker.Availability;
import io.sluice.jepsen.checker.CheckResult;
import io.sluice.jepsen.checker.LeaderChecker;
import io.sluice.jepsen.checker.ReplicaChecker;
import io.sluice.jepsen.checker.RunCoverage;
import io.sluice.jepsen.harness.Cluster;
import io.sluice.jepsen.harness.ClusterSecurity;
import io.sluice.jepsen.harness.Disks;
import io.sluice.jepsen.harness.LeaderObserver;
import io.sluice.jepsen.harness.LoopbackNetwork;
import io.sluice.jepsen.harness.NamespaceNetwork;
import io.sluice.jepsen.harness.NodeLogScan;
import io.sluice.jepsen.harness.Network;
import io.sluice.jepsen.harness.ReplicaLogs;
import io.sluice.jepsen.history.History;
import io.sluice.jepsen.history.Json;
import io.sluice.jepsen.history.Op;
import io.sluice.jepsen.nemesis.Fault;
import io.sluice.jepsen.nemesis.NemesisRunner;
import io.sluice.jepsen.nemesis.Schedule;
import io.sluice.jepsen.report.HtmlReport;
import io.sluice.jepsen.workload.Workload;
import io.sluice.jepsen.workload.WorkloadContext;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One test, start to verdict: network, cluster, workload under a fault schedule, heal, final reads,
 * controlled shutdown, replica comparison, checks, and the run directory with history, node logs,
 * {@code results.json} and {@code index.html}. Whatever happens, the nodes and the network are torn
 * down (also from a shutdown hook, for Ctrl-C). Used from one thread.
 */
final class TestRun {
    private static final Logger LOG = LoggerFactory.getLogger(TestRun.class);

    private final SuiteOptions options;
    private final Path distribution;
    private final Path runDir;
    private final long seed;
    private final Workload workload;
    /** Requested fault families this run could not make, and why: they make the verdict unknown. */
    private final List<String> notMade = new ArrayList<>();

    TestRun(SuiteOptions options, Path distribution, Path runDir, long seed, Workload workload) {
        this.options = options;
        this.distribution = distribution;
        this.runDir = runDir;
        this.seed = seed;
        this.workload = workload;
    }

    /** Runs the test and returns its verdict. */
    CheckResult run() throws Exception {
        Files.createDirectories(runDir);
        long start = System.nanoTime();
        Network network = network();
        Cluster cluster = null;
        Disks disks = Disks.plain();
        Thread hook = null;
        try (History history = new History(runDir.resolve("history.jsonl"), () -> System.nanoTime() - start)) {
            ClusterSecurity security = options.security.equals(ClusterSecurity.SASL_SSL)
                    ? ClusterSecurity.saslSsl(runDir.resolve("security"), network::host, options.nodes) : ClusterSecurity.none();
            cluster = new Cluster(network, distribution, runDir, options.nodes, overrides(), "-Xms256m -Xmx512m", security);
            if (options.kinds().stream().anyMatch(Fault.Kind::needsCrashFs)) {
                // no fallback to plain directories: a power loss that drops nothing would prove nothing
                disks = Disks.crashFs(cluster.ids(), cluster::dataDir, runDir);
            }
            Cluster c = cluster;
            Disks d = disks;
            hook = new Thread(() -> teardown(c, d, network), "jepsen-teardown");
            Runtime.getRuntime().addShutdownHook(hook);
            List<Schedule.Entry> schedule = Schedule.generate(seed, kinds(network), options.nodes,
                    options.timeLimit * 1000L, options.interval * 1000L, options.compose);
            WorkloadContext context = new WorkloadContext(cluster, history, options.rate, options.keys,
                    options.clients, options.unsafe, seed, new AtomicInteger());
            Map<String, Long> reassignments = runPhases(cluster, disks, history, context, schedule, start);
            List<Op> ops = history.ops();
            history.flush();
            CheckResult result = CheckResult.merge(List.of(workload.check(ops), new LeaderChecker().check(ops),
                    workload.checkReplicas(replicaLogs(cluster)),
                    RunCoverage.check(ops, !options.kinds().isEmpty(), notMade),
                    new CheckResult(List.of(), Map.of("longest-write-gap-ms", Availability.longestGapMs(ops)))));
            List<NodeLogScan.Errors> nodeErrors = NodeLogScan.scan(nodeLogs(cluster), 20);
            writeResults(result, schedule, network, disks, Availability.periods(ops), nodeErrors, reassignments);
            HtmlReport.write(runDir.resolve("index.html"), runDir.getParent().getFileName() + " " + runDir.getFileName(),
                    ops, result, summary(network, disks), nodeErrors);
            return result;
        } finally {
            if (cluster != null) {
                teardown(cluster, disks, network);
            } else {
                network.close();
            }
            if (hook != null) {
                try {
                    Runtime.getRuntime().removeShutdownHook(hook);
                } catch (IllegalStateException e) {
                    // already shutting down: the hook runs the same teardown
                }
            }
        }
    }

    /** Returns the counts of the {@code reassign} nemesis. */
    private Map<String, Long> runPhases(Cluster cluster, Disks disks, History history, WorkloadContext context,
                                        List<Schedule.Entry> schedule, long start) throws Exception {
        cluster.startAll();
        if (!cluster.awaitBrokers(Duration.ofSeconds(options.startTimeout))) {
            throw new IllegalStateException("the cluster did not come up in " + options.startTimeout + " s (--start-timeout);"
                    + " see " + runDir.resolve("nodes"));
        }
        cluster.security().provision(cluster);
        workload.setup(context);
        NemesisRunner nemesis = new NemesisRunner(cluster, disks, history, workload.topic(), start);
        try (LeaderObserver observer = new LeaderObserver(cluster, history, workload.topic())) {
            observer.start();
            long phaseStart = System.nanoTime() - start;
            long faultPhaseMs = phaseStart / 1_000_000 + options.timeLimit * 1000L;
            workload.start(context, System.nanoTime() + Duration.ofSeconds(options.timeLimit + 30L).toNanos());
            nemesis.run(shift(schedule, phaseStart / 1_000_000));
            sleepUntil(start, faultPhaseMs);
            workload.stop();
            Op heal = history.invoke("heal", NemesisRunner.PROCESS, null, null, null);
            nemesis.healAll();
            boolean healthy = cluster.awaitBrokers(Duration.ofSeconds(60));
            history.complete(heal, healthy ? Op.Type.OK : Op.Type.INFO, null, null,
                    healthy ? null : "not every broker was back 60 s after healing");
            LOG.info("healed; final reads");
            workload.finalReads(context, Duration.ofSeconds(options.finalReadTimeout));
        }
        cluster.stopAll(); // controlled shutdown writes the high-watermark checkpoints the replica check reads
        return nemesis.reassignments();
    }

    private static List<Schedule.Entry> shift(List<Schedule.Entry> schedule, long byMs) {
        return schedule.stream().map(e -> e.shift(byMs)).toList();
    }

    private static void sleepUntil(long start, long ms) throws InterruptedException {
        long wait = ms - (System.nanoTime() - start) / 1_000_000;
        if (wait > 0) {
            Thread.sleep(wait);
        }
    }

    private Network network() {
        if (options.loopback) {
            return new LoopbackNetwork();
        }
        try {
            return NamespaceNetwork.create(options.nodes);
        } catch (RuntimeException e) {
            LOG.warn("network namespaces unavailable ({}); running process faults on loopback only", e.getMessage());
            if (options.kinds().contains(Fault.Kind.PARTITION) || options.kinds().contains(Fault.Kind.LOSS)) {
                notMade.add("partition and loss faults were asked for but not made: network namespaces are"
                        + " unavailable (" + e.getMessage() + ")");
            }
            return new LoopbackNetwork();
        }
    }

    private Set<Fault.Kind> kinds(Network network) {
        Set<Fault.Kind> kinds = EnumSet.noneOf(Fault.Kind.class);
        kinds.addAll(options.kinds());
        if (!network.supportsFaults() && (kinds.remove(Fault.Kind.PARTITION) | kinds.remove(Fault.Kind.LOSS))) {
            LOG.warn("partition and loss faults need network namespaces and iptables; skipping them");
        }
        return kinds;
    }

    private Map<String, String> overrides() {
        Map<String, String> o = new LinkedHashMap<>();
        o.put("broker.session.timeout.ms", "3000");
        o.put("broker.heartbeat.interval.ms", "500");
        o.put("replica.lag.time.max.ms", "5000");
        o.put("io.threads", "2");
        o.put("min.insync.replicas", options.unsafe ? "1" : "2");
        o.putAll(workload.nodeOverrides());
        for (String kv : options.overrides) {
            int eq = kv.indexOf('=');
            if (eq <= 0) {
                throw new IllegalArgumentException("--override wants key=value, got '" + kv + "'");
            }
            o.put(kv.substring(0, eq), kv.substring(eq + 1));
        }
        return o;
    }

    private List<ReplicaChecker.ReplicaLog> replicaLogs(Cluster cluster) throws java.io.IOException {
        List<ReplicaChecker.ReplicaLog> logs = new ArrayList<>();
        for (int node : cluster.ids()) {
            logs.addAll(ReplicaLogs.read(cluster.dataDir(node), node, workload.topic()));
        }
        return logs;
    }

    private static Map<Integer, Path> nodeLogs(Cluster cluster) {
        Map<Integer, Path> logs = new LinkedHashMap<>();
        cluster.nodes().forEach(n -> logs.put(n.id(), n.log()));
        return logs;
    }

    private Map<String, Object> summary(Network network, Disks disks) {
        Map<String, Object> s = new LinkedHashMap<>();
        s.put("workload", options.workload);
        if (options.workload.equals("queue")) {
            s.put("readers", options.subscribe ? "subscribe" : "assign");
        }
        if (!options.workload.equals("metadata")) {
            s.put("client", options.client);
        }
        if (options.client.equals("kafka") && (options.workload.equals("offsets") || options.subscribe)) {
            s.put("group-protocol", options.groupProtocol);
        }
        s.put("nemesis", options.nemesis);
        s.put("compose", options.compose);
        s.put("nodes", options.nodes);
        s.put("time-limit-s", options.timeLimit);
        s.put("rate", options.rate);
        s.put("seed", seed);
        s.put("unsafe", options.unsafe);
        s.put("security", options.security);
        s.put("network", network instanceof NamespaceNetwork ? "namespaces" : "loopback");
        s.put("disks", disks.faulty() ? "crashfs" : "plain");
        return s;
    }

    private void writeResults(CheckResult result, List<Schedule.Entry> schedule, Network network, Disks disks,
                              List<Availability.Period> availability, List<NodeLogScan.Errors> nodeErrors,
                              Map<String, Long> reassignments)
            throws java.io.IOException {
        Map<String, Object> json = new LinkedHashMap<>(summary(network, disks));
        json.putAll(result.toJson());
        json.put("availability", availability.stream().map(Availability.Period::toJson).toList());
        json.put("node-errors", nodeErrors.stream().map(NodeLogScan.Errors::toJson).toList());
        if (options.kinds().contains(Fault.Kind.REASSIGN)) {
            json.put("reassignments", reassignments);
            LOG.info("reassignments: {}", reassignments);
        }
        json.put("schedule", schedule.stream().map(e -> Map.of("start-ms", e.startMs(), "end-ms", e.endMs(),
                "fault", e.describe())).toList());
        Files.writeString(runDir.resolve("results.json"), Json.write(json) + "\n", StandardCharsets.UTF_8);
    }

    private static void teardown(Cluster cluster, Disks disks, Network network) {
        try {
            cluster.killAll();
        } finally {
            try {
                disks.close(); // after the nodes are dead, so nothing holds the mounts
            } finally {
                network.close();
            }
        }
    }
}
