package io.sluice.tools.quorum;

import io.sluice.protocol.rpc.Endpoint;
import io.sluice.tools.Addresses;
import io.sluice.tools.UsageException;
import io.sluice.tools.configs.ClientOptions;
import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;

/**
 * {@code ./sluice metadata-quorum add-controller / remove-controller}: the voter changes of Kafka's
 * {@code kafka-metadata-quorum.sh}, sent as AddRaftVoter / RemoveRaftVoter to any node (the cluster
 * holds the rules). add-controller takes the node id, or the new controller's properties file as
 * Kafka's tool does: {@code node.id}, and its Raft address as Sluice's {@code raft.address} or as Kafka's
 * controller listener ({@code controller.listener.names} naming one of {@code listeners}). Stateless.
 */
final class VoterCommands {
    /** The voter change's round trip includes a leadership hand-over and a joint-consensus commit. */
    private static final int TIMEOUT_MS = 30_000;

    private VoterCommands() {
    }

    static int add(BootstrapOptions options, Integer controllerId, boolean dryRun, String bootstrapServer)
            throws Exception {
        int id;
        List<Endpoint> listeners = new ArrayList<>();
        if (options.commandConfig != null) {
            Properties props = load(Path.of(options.commandConfig));
            id = nodeId(props, options.commandConfig);
            if (controllerId != null && controllerId != id) {
                throw new UsageException("--controller-id " + controllerId + " and node.id " + id + " of "
                        + options.commandConfig + " differ; give one of them");
            }
            Endpoint endpoint = controllerEndpoint(props);
            if (endpoint != null) {
                listeners.add(endpoint);
            }
        } else if (controllerId != null) {
            id = controllerId;
        } else {
            throw new UsageException("add-controller needs --controller-id N, or the new controller's properties file"
                    + " as --command-config FILE before the action", "metadata-quorum add-controller");
        }
        String where = listeners.isEmpty() ? "" : " with endpoints: " + listeners.get(0).getListener() + "://"
                + listeners.get(0).getHost() + ":" + listeners.get(0).getPort();
        if (!dryRun) {
            String bootstrap = options.bootstrap(bootstrapServer);
            ClientOptions.requireReachable(bootstrap);
            try (QuorumProbe probe = new QuorumProbe(TIMEOUT_MS)) {
                probe.addRaftVoter(Addresses.parseList(bootstrap), id, listeners);
            }
        }
        System.out.println((dryRun ? "DRY RUN of adding" : "Added") + " controller " + id + where);
        return 0;
    }

    static int remove(BootstrapOptions options, int controllerId, boolean dryRun, String bootstrapServer)
            throws Exception {
        if (controllerId < 0) {
            throw new UsageException("Invalid negative --controller-id: " + controllerId);
        }
        if (!dryRun) {
            String bootstrap = options.bootstrap(bootstrapServer);
            ClientOptions.requireReachable(bootstrap);
            try (QuorumProbe probe = new QuorumProbe(TIMEOUT_MS)) {
                probe.removeRaftVoter(Addresses.parseList(bootstrap), controllerId);
            }
        }
        System.out.println((dryRun ? "DRY RUN of removing" : "Removed") + " controller " + controllerId
                + (dryRun ? "" : "; it stays a broker-only node"));
        return 0;
    }

    private static Properties load(Path file) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new UsageException("Properties file " + file + " does not exist.");
        }
        Properties props = new Properties();
        try (Reader in = Files.newBufferedReader(file)) {
            props.load(in);
        }
        return props;
    }

    private static int nodeId(Properties props, String file) {
        String value = props.getProperty("node.id");
        if (value == null) {
            throw new UsageException("node.id not found in " + file + "; is it the new controller's configuration file?");
        }
        try {
            return Integer.parseInt(value.trim());
        } catch (NumberFormatException e) {
            throw new UsageException("node.id of " + file + " is not a number: " + value);
        }
    }

    /**
     * The node's Raft endpoint: Sluice's {@code raft.address}, else the listener of Kafka's
     * {@code listeners} / {@code advertised.listeners} that {@code controller.listener.names} names
     * first; null when the file has neither (the cluster then takes the address it knows).
     */
    static Endpoint controllerEndpoint(Properties props) {
        String raft = props.getProperty("raft.address");
        if (raft != null) {
            return endpoint("CONTROLLER", raft.trim());
        }
        String names = props.getProperty("controller.listener.names");
        if (names == null) {
            return null;
        }
        String name = names.split(",")[0].trim();
        for (String key : List.of("advertised.listeners", "listeners")) {
            for (String listener : props.getProperty(key, "").split(",")) {
                int sep = listener.indexOf("://");
                if (sep > 0 && listener.substring(0, sep).trim().equals(name)) {
                    return endpoint(name, listener.substring(sep + 3).trim());
                }
            }
        }
        throw new UsageException("Cannot find information about controller listener name: " + name);
    }

    private static Endpoint endpoint(String listener, String hostPort) {
        int colon = hostPort.lastIndexOf(':');
        if (colon < 0) {
            throw new UsageException("the controller address " + hostPort + " is not host:port");
        }
        String host = colon == 0 ? "localhost" : hostPort.substring(0, colon);
        return Endpoint.newBuilder().setListener(listener).setHost(host)
                .setPort(Integer.parseInt(hostPort.substring(colon + 1))).build();
    }
}
