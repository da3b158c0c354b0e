package io.sluice.tools.topics;

import io.sluice.client.PartitionInfo;
import io.sluice.client.admin.ConfigEntry;
import io.sluice.client.admin.TopicDescription;
import java.io.PrintStream;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Prints topic descriptions exactly as Kafka's {@code kafka-topics.sh --describe} does, so scripts
 * that read its output work unchanged:
 *
 * <pre>
 * Topic: t	TopicId: ...	PartitionCount: 3	ReplicationFactor: 1	Configs: retention.ms=1000
 * 	Topic: t	Partition: 0	Leader: 1	Replicas: 1	Isr: 1
 * </pre>
 *
 * Stateless.
 */
final class TopicsFormatter {
    /** Which partitions a describe shows. */
    enum Filter { ALL, UNDER_REPLICATED, UNAVAILABLE }

    private TopicsFormatter() {
    }

    /** Prints one topic; with a filter, only the matching partition lines (and no topic line), as Kafka does. */
    static void describe(TopicDescription topic, List<ConfigEntry> configs, Filter filter, PrintStream out) {
        if (filter == Filter.ALL) {
            out.println("Topic: " + topic.name() + "\tTopicId: " + topic.topicId() + "\tPartitionCount: "
                    + topic.partitions().size() + "\tReplicationFactor: " + topic.replicationFactor()
                    + "\tConfigs: " + configs(configs));
        }
        for (PartitionInfo p : topic.partitions()) {
            if (matches(p, filter)) {
                out.println("\tTopic: " + topic.name() + "\tPartition: " + p.partition() + "\tLeader: "
                        + (p.leader() < 0 ? "none" : Integer.toString(p.leader())) + "\tReplicas: " + ids(p.replicas())
                        + "\tIsr: " + ids(p.isr()) + (p.offlineReplicas().isEmpty() ? "" : "\tOffline: " + ids(p.offlineReplicas())));
            }
        }
    }

    /** The {@code Configs:} column: values set on the topic or the brokers, not built-in defaults. */
    static String configs(List<ConfigEntry> entries) {
        return entries.stream()
                .filter(e -> e.source() != ConfigEntry.Source.DEFAULT_CONFIG)
                .map(e -> e.name() + "=" + (e.sensitive() ? "<sensitive>" : e.value()))
                .collect(Collectors.joining(","));
    }

    private static boolean matches(PartitionInfo p, Filter filter) {
        return switch (filter) {
            case ALL -> true;
            case UNDER_REPLICATED -> p.isr().size() < p.replicas().size();
            case UNAVAILABLE -> p.leader() < 0;
        };
    }

    private static String ids(List<Integer> ids) {
        return ids.stream().map(String::valueOf).collect(Collectors.joining(","));
    }
}
