package io.sluice.tools.quorum;

import com.beust.jcommander.JCommander;
import com.beust.jcommander.Parameter;
import com.beust.jcommander.Parameters;
import io.sluice.protocol.rpc.DescribeQuorumResponse;
import io.sluice.protocol.rpc.ReplicaState;
import io.sluice.tools.Addresses;
import io.sluice.tools.Command;
import io.sluice.tools.CommonOptions;
import io.sluice.tools.Usage;
import io.sluice.tools.UsageException;
import io.sluice.tools.configs.ClientOptions;
import java.io.PrintStream;
import java.util.List;
import java.util.stream.Collectors;

/**
 * {@code ./sluice metadata-quorum --bootstrap-server HOST:PORT describe --status|--replication}: the
 * state of the Raft metadata quorum in the format of Kafka's {@code kafka-metadata-quorum.sh}.
 */
public final class MetadataQuorumCommand implements Command {
    @Parameters(commandDescription = "Describe the metadata quorum: --status (leader, epoch, lag) or --replication (per voter)")
    static final class Describe extends CommonOptions {
        @Parameter(names = "--status", description = "Leader, epoch, high watermark, lag and voters")
        boolean status;
        @Parameter(names = "--replication", description = "One row per voter and observer")
        boolean replication;
        @Parameter(names = "--human-readable", description = "Show times as 'N ms ago' (with --replication)")
        boolean humanReadable;
        @Parameter(names = "--bootstrap-server", placeholder = "HOST:PORT", description = "A node's client address; "
                + "may also come before describe, as Kafka's tool takes it (default: localhost:9092)")
        String bootstrapServer;
    }

    @Parameters(commandDescription = "Make a running broker-only node a voter (--controller-id N, or the"
            + " node's properties file as --command-config before the action, as Kafka's tool reads it)")
    static final class AddController extends CommonOptions {
        @Parameter(names = "--controller-id", description = "The broker-only node to make a voter (else node.id of"
                + " --command-config)")
        Integer controllerId;
        @Parameter(names = "--dry-run", description = "Print what would be done, do nothing")
        boolean dryRun;
        @Parameter(names = "--bootstrap-server", placeholder = "HOST:PORT", description = "A node's client address")
        String bootstrapServer;
    }

    @Parameters(commandDescription = "Make a voter a broker-only node (it keeps serving as a broker)")
    static final class RemoveController extends CommonOptions {
        @Parameter(names = {"--controller-id", "-i"}, description = "The voter to remove", required = true)
        int controllerId;
        @Parameter(names = {"--controller-directory-id", "-d"}, description = "Accepted for Kafka compatibility;"
                + " Sluice identifies a voter by its id alone")
        String directoryId;
        @Parameter(names = "--dry-run", description = "Print what would be done, do nothing")
        boolean dryRun;
        @Parameter(names = "--bootstrap-server", placeholder = "HOST:PORT", description = "A node's client address")
        String bootstrapServer;
    }

    @Override
    public String name() {
        return "metadata-quorum";
    }

    @Override
    public String summary() {
        return "Describe the Raft metadata quorum and change its voters (describe | add-controller | remove-controller)";
    }

    @Override
    public List<String> examples() {
        return List.of("./sluice metadata-quorum --bootstrap-server localhost:9092 describe --status",
                "./sluice metadata-quorum --bootstrap-server localhost:9092 describe --replication --human-readable",
                "./sluice metadata-quorum --bootstrap-server localhost:9092 add-controller --controller-id 4",
                "./sluice metadata-quorum --bootstrap-server localhost:9092 --command-config node-4.properties add-controller",
                "./sluice metadata-quorum --bootstrap-server localhost:9092 remove-controller --controller-id 1");
    }

    @Override
    public List<String> actions() {
        return List.of("describe", "add-controller", "remove-controller");
    }

    @Override
    public int run(String[] args) throws Exception {
        BootstrapOptions options = new BootstrapOptions();
        Describe describe = new Describe();
        AddController add = new AddController();
        RemoveController remove = new RemoveController();
        JCommander jc = JCommander.newBuilder().programName("./sluice metadata-quorum").addObject(options)
                .addCommand("describe", describe).addCommand("add-controller", add)
                .addCommand("remove-controller", remove).build();
        jc.parse(args);
        if (options.help) {
            Usage.print(jc, "./sluice metadata-quorum [OPTIONS] describe --status|--replication", summary(), examples(),
                    System.out);
            return 0;
        }
        if (describe.help) {
            Usage.print(jc.getCommands().get("describe"), "./sluice metadata-quorum describe --status|--replication [OPTIONS]",
                    actionDescription(), examples(), System.out);
            return 0;
        }
        if (jc.getParsedCommand() == null) {
            throw new UsageException("say what to do: describe --status, describe --replication, add-controller or"
                    + " remove-controller");
        }
        if (add.help || remove.help) {
            String action = jc.getParsedCommand();
            Usage.print(jc.getCommands().get(action), "./sluice metadata-quorum " + action + " [OPTIONS]",
                    jc.getCommands().get(action).getObjects().get(0).getClass().getAnnotation(Parameters.class)
                            .commandDescription(), examples(), System.out);
            return 0;
        }
        if (jc.getParsedCommand().equals("add-controller")) {
            return VoterCommands.add(options, add.controllerId, add.dryRun, add.bootstrapServer);
        }
        if (jc.getParsedCommand().equals("remove-controller")) {
            return VoterCommands.remove(options, remove.controllerId, remove.dryRun, remove.bootstrapServer);
        }
        if (describe.status == describe.replication) {
            throw new UsageException("describe needs exactly one of --status or --replication", "metadata-quorum describe");
        }
        String bootstrap = options.bootstrap(describe.bootstrapServer);
        ClientOptions.requireReachable(bootstrap);
        try (QuorumProbe probe = new QuorumProbe(Integer.parseInt(ClientOptions.TOOL_TIMEOUT_MS))) {
            DescribeQuorumResponse quorum = probe.describeQuorum(Addresses.parseList(bootstrap));
            long now = System.currentTimeMillis();
            if (describe.status) {
                printStatus(quorum, now, System.out);
            } else {
                printReplication(quorum, now, describe.humanReadable, System.out);
            }
        }
        return 0;
    }

    private static String actionDescription() {
        return Describe.class.getAnnotation(Parameters.class).commandDescription();
    }

    static void printStatus(DescribeQuorumResponse q, long now, PrintStream out) {
        long maxLag = 0;
        long maxLagTime = 0;
        for (ReplicaState r : q.getCurrentVotersList()) {
            maxLag = Math.max(maxLag, Math.max(0, q.getHighWatermark() - r.getLogEndOffset()));
            if (r.getReplicaId() != q.getLeaderId() && r.getLastCaughtUpTimestamp() > 0) {
                maxLagTime = Math.max(maxLagTime, now - r.getLastCaughtUpTimestamp());
            }
        }
        out.println("ClusterId:              " + q.getClusterId());
        out.println("LeaderId:               " + q.getLeaderId());
        out.println("LeaderEpoch:            " + q.getLeaderEpoch());
        out.println("HighWatermark:          " + q.getHighWatermark());
        out.println("MaxFollowerLag:         " + maxLag);
        out.println("MaxFollowerLagTimeMs:   " + maxLagTime);
        out.println("CurrentVoters:          " + ids(q.getCurrentVotersList()));
        out.println("CurrentObservers:       " + ids(q.getObserversList()));
    }

    static void printReplication(DescribeQuorumResponse q, long now, boolean human, PrintStream out) {
        String format = "%-10s %-14s %-10s %-20s %-22s %s%n";
        out.printf(format, "NodeId", "LogEndOffset", "Lag", "LastFetchTimestamp", "LastCaughtUpTimestamp", "Status");
        for (ReplicaState r : q.getCurrentVotersList()) {
            String status = r.getReplicaId() == q.getLeaderId() ? "Leader" : "Follower";
            printRow(out, format, q, r, status, now, human);
        }
        for (ReplicaState r : q.getObserversList()) {
            printRow(out, format, q, r, "Observer", now, human);
        }
    }

    private static void printRow(PrintStream out, String format, DescribeQuorumResponse q, ReplicaState r,
                                 String status, long now, boolean human) {
        long lag = Math.max(0, q.getHighWatermark() - r.getLogEndOffset());
        out.printf(format, r.getReplicaId(), r.getLogEndOffset(), lag, time(r.getLastFetchTimestamp(), now, human),
                time(r.getLastCaughtUpTimestamp(), now, human), status);
    }

    private static String time(long timestamp, long now, boolean human) {
        if (timestamp <= 0) {
            return "-1";
        }
        return human ? (now - timestamp) + " ms ago" : Long.toString(timestamp);
    }

    private static String ids(List<ReplicaState> replicas) {
        return replicas.stream().map(r -> Integer.toString(r.getReplicaId()))
                .collect(Collectors.joining(",", "[", "]"));
    }
}
