package io.sluice.tools.quorum;

import com.beust.jcommander.JCommander;
import com.beust.jcommander.Parameter;
import com.beust.jcommander.Parameters;
import io.sluice.client.admin.Admin;
import io.sluice.tools.Addresses;
import io.sluice.tools.Command;
import io.sluice.tools.CommonOptions;
import io.sluice.tools.Usage;
import io.sluice.tools.UsageException;
import io.sluice.tools.configs.ClientOptions;
import io.sluice.tools.reassign.BrokerDecommission;
import java.util.List;
import java.util.Map;

/**
 * {@code ./sluice cluster --bootstrap-server HOST:PORT unregister --id N}: Kafka's
 * {@code kafka-cluster.sh unregister}, taking a stopped broker-only node out of the cluster's
 * metadata quorum; {@code cluster-id}, printing the cluster id; and {@code decommission --id N}, which
 * Kafka has no tool for (its users script kafka-reassign-partitions.sh): moving every replica off a
 * broker, see {@link BrokerDecommission}.
 */
public final class ClusterCommand implements Command {
    /** The options of an action on one broker. */
    abstract static class BrokerAction extends CommonOptions {
        @Parameter(names = "--id", required = true, description = "The broker's node id")
        int id;
        @Parameter(names = "--bootstrap-server", placeholder = "HOST:PORT", description = "A node's client address;"
                + " may also come before the action (default: localhost:9092)")
        String bootstrapServer;
    }

    @Parameters(commandDescription = "Take a stopped broker-only node out of the metadata quorum")
    static final class Unregister extends BrokerAction {
    }

    @Parameters(commandDescription = "Move every replica off a broker (to the other live brokers) and wait until none is left")
    static final class Decommission extends BrokerAction {
        @Parameter(names = "--no-wait", description = "Start the moves and return; check with --verify")
        boolean noWait;
        @Parameter(names = "--verify", description = "Only tell which partitions are still on the broker (exit 1 if any)")
        boolean verify;
        @Parameter(names = "--timeout", description = "How long to wait for the moves, in ms")
        long timeoutMs = 600_000;
    }

    @Parameters(commandDescription = "Print the cluster id")
    static final class ClusterId extends CommonOptions {
        @Parameter(names = "--bootstrap-server", placeholder = "HOST:PORT", description = "A node's client address")
        String bootstrapServer;
    }

    @Override
    public String name() {
        return "cluster";
    }

    @Override
    public String summary() {
        return "Cluster-wide actions, as kafka-cluster.sh (unregister --id N | cluster-id), and decommission --id N";
    }

    @Override
    public List<String> examples() {
        return List.of("./sluice cluster --bootstrap-server localhost:9092 decommission --id 4",
                "./sluice cluster --bootstrap-server localhost:9092 decommission --id 4 --verify",
                "./sluice cluster --bootstrap-server localhost:9092 unregister --id 4",
                "./sluice cluster --bootstrap-server localhost:9092 cluster-id");
    }

    @Override
    public List<String> actions() {
        return List.of("decommission", "unregister", "cluster-id");
    }

    @Override
    public int run(String[] args) throws Exception {
        BootstrapOptions options = new BootstrapOptions();
        Unregister unregister = new Unregister();
        ClusterId clusterId = new ClusterId();
        Decommission decommission = new Decommission();
        JCommander jc = JCommander.newBuilder().programName("./sluice cluster").addObject(options)
                .addCommand("decommission", decommission).addCommand("unregister", unregister)
                .addCommand("cluster-id", clusterId).build();
        jc.parse(args);
        if (options.help) {
            Usage.print(jc, "./sluice cluster [OPTIONS] decommission --id N | unregister --id N | cluster-id", summary(),
                    examples(), System.out);
            return 0;
        }
        String action = jc.getParsedCommand();
        if (action == null) {
            throw new UsageException("say what to do: decommission --id N, unregister --id N, or cluster-id");
        }
        CommonOptions actionOptions = (CommonOptions) jc.getCommands().get(action).getObjects().get(0);
        if (actionOptions.help) {
            Usage.print(jc.getCommands().get(action), "./sluice cluster " + action + " [OPTIONS]",
                    jc.getCommands().get(action).getObjects().get(0).getClass().getAnnotation(Parameters.class)
                            .commandDescription(), examples(), System.out);
            return 0;
        }
        if (action.equals("decommission")) {
            return decommission(options.bootstrap(decommission.bootstrapServer), decommission);
        }
        String bootstrap = options.bootstrap(action.equals("unregister") ? unregister.bootstrapServer
                : clusterId.bootstrapServer);
        ClientOptions.requireReachable(bootstrap);
        try (QuorumProbe probe = new QuorumProbe(Integer.parseInt(ClientOptions.TOOL_TIMEOUT_MS))) {
            if (action.equals("cluster-id")) {
                System.out.println("Cluster ID: " + probe.describeQuorum(Addresses.parseList(bootstrap)).getClusterId());
            } else {
                probe.unregisterBroker(Addresses.parseList(bootstrap), unregister.id);
                System.out.println("Broker " + unregister.id + " is no longer a member of the metadata quorum.");
            }
        }
        return 0;
    }

    private static int decommission(String bootstrap, Decommission o) throws Exception {
        if (o.verify && o.noWait) {
            throw new UsageException("give --verify or --no-wait, not both");
        }
        if (o.timeoutMs <= 0) {
            throw new UsageException("--timeout must be positive (ms)");
        }
        ClientOptions.requireReachable(bootstrap);
        try (Admin admin = Admin.create(ClientOptions.adminProps(bootstrap, Map.of()))) {
            BrokerDecommission decommission = new BrokerDecommission(admin, System.out);
            return o.verify ? decommission.verify(o.id) : decommission.run(o.id, !o.noWait, o.timeoutMs);
        }
    }
}
