package io.sluice.tools.quorum;

import com.beust.jcommander.JCommander;
import com.beust.jcommander.Parameter;
import com.beust.jcommander.Parameters;
import io.sluice.tools.Addresses;
import io.sluice.tools.Command;
import io.sluice.tools.CommonOptions;
import io.sluice.tools.Usage;
import io.sluice.tools.UsageException;
import io.sluice.tools.configs.ClientOptions;
import java.util.List;

/**
 * {@code ./sluice cluster --bootstrap-server HOST:PORT unregister --id N}: Kafka's
 * {@code kafka-cluster.sh unregister}, taking a stopped broker-only node out of the cluster's
 * metadata quorum; and {@code cluster-id}, printing the cluster id.
 */
public final class ClusterCommand implements Command {
    @Parameters(commandDescription = "Take a stopped broker-only node out of the metadata quorum")
    static final class Unregister extends CommonOptions {
        @Parameter(names = "--id", required = true, description = "The broker-only node's id")
        int id;
        @Parameter(names = "--bootstrap-server", placeholder = "HOST:PORT", description = "A node's client address;"
                + " may also come before the action (default: localhost:9092)")
        String bootstrapServer;
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
        return "Cluster-wide actions, as kafka-cluster.sh (unregister --id N | cluster-id)";
    }

    @Override
    public List<String> examples() {
        return List.of("./sluice cluster --bootstrap-server localhost:9092 unregister --id 4",
                "./sluice cluster --bootstrap-server localhost:9092 cluster-id");
    }

    @Override
    public List<String> actions() {
        return List.of("unregister", "cluster-id");
    }

    @Override
    public int run(String[] args) throws Exception {
        BootstrapOptions options = new BootstrapOptions();
        Unregister unregister = new Unregister();
        ClusterId clusterId = new ClusterId();
        JCommander jc = JCommander.newBuilder().programName("./sluice cluster").addObject(options)
                .addCommand("unregister", unregister).addCommand("cluster-id", clusterId).build();
        jc.parse(args);
        if (options.help) {
            Usage.print(jc, "./sluice cluster [OPTIONS] unregister --id N | cluster-id", summary(), examples(), System.out);
            return 0;
        }
        String action = jc.getParsedCommand();
        if (action == null) {
            throw new UsageException("say what to do: unregister --id N, or cluster-id");
        }
        CommonOptions actionOptions = action.equals("unregister") ? unregister : clusterId;
        if (actionOptions.help) {
            Usage.print(jc.getCommands().get(action), "./sluice cluster " + action + " [OPTIONS]",
                    jc.getCommands().get(action).getObjects().get(0).getClass().getAnnotation(Parameters.class)
                            .commandDescription(), examples(), System.out);
            return 0;
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
}
