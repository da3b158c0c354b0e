package io.sluice.tools.election;

import com.beust.jcommander.Parameter;
import io.sluice.protocol.TopicPartition;
import io.sluice.client.admin.Admin;
import io.sluice.protocol.ErrorCode;
import io.sluice.tools.Command;
import io.sluice.tools.CommonOptions;
import io.sluice.tools.Usage;
import io.sluice.tools.UsageException;
import io.sluice.tools.configs.ClientOptions;
import java.util.List;
import java.util.Map;

/**
 * {@code ./sluice leader-election}: Kafka's {@code kafka-leader-election.sh} for preferred elections:
 * moves leadership back to each partition's first replica (it also happens by itself on the
 * controller; this does it now). Unclean elections are a topic setting in Sluice, not a tool.
 */
public final class LeaderElectionCommand implements Command {
    static final class Options extends CommonOptions {
        @Parameter(names = "--bootstrap-server", description = "A broker to connect to, host:port")
        String bootstrapServer = "localhost:9092";
        @Parameter(names = "--election-type", required = true, description = "preferred (the only type; unclean elections are the "
                + "topic setting unclean.leader.election.enable)")
        String electionType;
        @Parameter(names = "--all-topic-partitions", description = "Every partition not led by its preferred replica")
        boolean all;
        @Parameter(names = "--topic", description = "The topic of --partition")
        String topic;
        @Parameter(names = "--partition", description = "A partition of --topic")
        Integer partition;
    }

    @Override
    public String name() {
        return "leader-election";
    }

    @Override
    public String summary() {
        return "Move partition leadership back to the preferred replicas (--election-type preferred)";
    }

    @Override
    public List<String> examples() {
        return List.of("./sluice leader-election --election-type preferred --all-topic-partitions --bootstrap-server localhost:9092",
                "./sluice leader-election --election-type preferred --topic events --partition 0 --bootstrap-server localhost:9092");
    }

    @Override
    public int run(String[] args) throws Exception {
        Options o = new Options();
        if (!Usage.parse(this, o, args)) {
            return 0;
        }
        if (!"preferred".equalsIgnoreCase(o.electionType)) {
            throw new UsageException("--election-type preferred is required (unclean elections are enabled per topic "
                    + "with unclean.leader.election.enable=true)");
        }
        if (o.all == (o.topic != null)) {
            throw new UsageException("give either --all-topic-partitions or --topic with --partition");
        }
        if (o.topic != null && o.partition == null) {
            throw new UsageException("--topic needs --partition");
        }
        List<TopicPartition> partitions = o.all ? List.of() : List.of(new TopicPartition(o.topic, o.partition));
        ClientOptions.requireReachable(o.bootstrapServer);
        try (Admin admin = Admin.create(ClientOptions.adminProps(o.bootstrapServer, Map.of()))) {
            Map<TopicPartition, ErrorCode> refused = ClientOptions.await(admin.electLeaders(partitions));
            int failures = 0;
            for (Map.Entry<TopicPartition, ErrorCode> e : refused.entrySet()) {
                failures++;
                boolean unavailable = e.getValue() == ErrorCode.ELIGIBLE_LEADERS_NOT_AVAILABLE
                        || e.getValue() == ErrorCode.PREFERRED_LEADER_NOT_AVAILABLE;
                System.out.println((unavailable ? "Preferred replica not available for partition "
                        : "Election failed for partition ") + e.getKey() + " (" + e.getValue() + ")");
            }
            if (refused.isEmpty()) {
                System.out.println("Successfully completed leader election (PREFERRED) for "
                        + (o.all ? "every partition not led by its preferred replica" : "partition " + partitions.get(0)));
            }
            return failures == 0 ? 0 : 1;
        }
    }
}
