package io.sluice.tools.topics;

import io.sluice.client.PartitionInfo;
import io.sluice.client.admin.CleanerProgress;
import io.sluice.client.admin.ConfigEntry;
import io.sluice.client.admin.TopicDescription;
import java.io.PrintStream;
import java.util.List;
import java.util.Locale;
import java.util.Map;
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
 * A compacted topic's partition lines end with two more columns Kafka's tool does not have, the log
 * cleaner's progress on each replica (in the order of {@code Replicas}; {@code ?} for a broker that
 * did not answer): {@code CleanedTo: 1:4500,2:4480} (each replica is cleaned below that offset) and
 * {@code DirtyRatio: 1:0.12,2:0.30}. Each replica cleans its own copy, so they may differ.
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
        describe(topic, configs, filter, Map.of(), out);
    }

    /**
     * As above, with the cleaner's progress of a compacted topic: partition -> broker -> progress
     * (empty for a topic that is not compacted: no cleaner columns).
     */
    static void describe(TopicDescription topic, List<ConfigEntry> configs, Filter filter,
            Map<Integer, Map<Integer, CleanerProgress>> cleaner, PrintStream out) {
        if (filter == Filter.ALL) {
            out.println("Topic: " + topic.name() + "\tTopicId: " + topic.topicId() + "\tPartitionCount: "
                    + topic.partitions().size() + "\tReplicationFactor: " + topic.replicationFactor()
                    + "\tConfigs: " + configs(configs));
        }
        for (PartitionInfo p : topic.partitions()) {
            if (matches(p, filter)) {
                out.println("\tTopic: " + topic.name() + "\tPartition: " + p.partition() + "\tLeader: "
                        + (p.leader() < 0 ? "none" : Integer.toString(p.leader())) + "\tReplicas: " + ids(p.replicas())
                        + "\tIsr: " + ids(p.isr()) + (p.offlineReplicas().isEmpty() ? "" : "\tOffline: " + ids(p.offlineReplicas()))
                        + (cleaner.isEmpty() ? "" : cleanerColumns(p.replicas(), cleaner.getOrDefault(p.partition(), Map.of()))));
            }
        }
    }

    private static String cleanerColumns(List<Integer> replicas, Map<Integer, CleanerProgress> byBroker) {
        String cleanedTo = replicas.stream().map(b -> b + ":" + (byBroker.containsKey(b)
                ? Long.toString(byBroker.get(b).lastCleanedOffset()) : "?")).collect(Collectors.joining(","));
        String dirty = replicas.stream().map(b -> b + ":" + (byBroker.containsKey(b)
                ? String.format(Locale.ROOT, "%.2f", byBroker.get(b).dirtyRatio()) : "?")).collect(Collectors.joining(","));
        return "\tCleanedTo: " + cleanedTo + "\tDirtyRatio: " + dirty;
    }

    /** Whether the topic's {@code cleanup.policy} (as described) includes {@code compact}. */
    static boolean compacted(List<ConfigEntry> configs) {
        return configs.stream().anyMatch(e -> e.name().equals("cleanup.policy") && e.value() != null
                && List.of(e.value().replace(" ", "").split(",")).contains("compact"));
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
