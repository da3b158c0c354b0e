package io.sluice.tools.quorum;

import com.beust.jcommander.Parameter;
import io.sluice.tools.CommonOptions;

/**
 * The options before the action of a tool with actions, as Kafka's {@code kafka-metadata-quorum.sh}
 * and {@code kafka-cluster.sh} take them: {@code --bootstrap-server} (an action may repeat it) and a
 * {@code --command-config} accepted for compatibility.
 */
class BootstrapOptions extends CommonOptions {
    @Parameter(names = "--bootstrap-server", description = "A node's client address, host:port")
    String bootstrapServer = "localhost:9092";
    @Parameter(names = "--command-config", description = "metadata-quorum add-controller: the new controller's properties"
            + " file (node.id, raft.address); otherwise accepted for Kafka compatibility")
    String commandConfig;

    /** The address an action gave, else this one. */
    String bootstrap(String givenToAction) {
        return givenToAction != null ? givenToAction : bootstrapServer;
    }
}
