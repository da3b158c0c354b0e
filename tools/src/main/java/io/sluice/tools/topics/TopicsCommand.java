package io.sluice.tools.topics;

import com.beust.jcommander.Parameter;
import io.sluice.client.Node;
import io.sluice.client.admin.Admin;
import io.sluice.client.admin.AlterConfigOp;
import io.sluice.client.admin.CleanerProgress;
import io.sluice.client.admin.ConfigEntry;
import io.sluice.client.admin.ConfigResource;
import io.sluice.client.admin.NewTopic;
import io.sluice.client.admin.TopicDescription;
import io.sluice.protocol.ErrorCode;
import io.sluice.protocol.SluiceException;
import io.sluice.protocol.TopicPartition;
import io.sluice.tools.Command;
import io.sluice.tools.CommonOptions;
import io.sluice.tools.Usage;
import io.sluice.tools.UsageException;
import io.sluice.tools.configs.ClientOptions;
import io.sluice.tools.configs.NoSplitter;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ExecutionException;
import java.util.function.Function;

/**
 * {@code ./sluice topics}: create, list, describe, alter and delete topics with the flags and output of
 * Kafka's {@code kafka-topics.sh}. Unlike Kafka 4, {@code --alter --config k=v} is accepted (the
 * tutorial's form) and applied as an incremental config change.
 */
public final class TopicsCommand implements Command {
    private final PrintStream out;
    private final Function<Map<String, Object>, Admin> adminFactory;

    /** The options, named as kafka-topics.sh names them. */
    static final class Options extends CommonOptions {
        @Parameter(names = "--bootstrap-server", description = "A broker to connect to, host:port")
        String bootstrapServer = "localhost:9092";
        @Parameter(names = "--command-config", description = "Admin client properties file")
        String commandConfig;
        @Parameter(names = "--create", description = "Create a topic")
        boolean create;
        @Parameter(names = "--list", description = "List all topics")
        boolean list;
        @Parameter(names = "--describe", description = "Describe topics (all, or those named by --topic)")
        boolean describe;
        @Parameter(names = "--alter", description = "Add partitions or change configs of a topic")
        boolean alter;
        @Parameter(names = "--delete", description = "Delete a topic")
        boolean delete;
        @Parameter(names = "--topic", description = "The topic")
        String topic;
        @Parameter(names = "--partitions", description = "Partition count (create), or the new larger count (alter)")
        Integer partitions;
        @Parameter(names = "--replication-factor", description = "Replicas per partition (create)")
        Integer replicationFactor;
        @Parameter(names = "--config", splitter = NoSplitter.class, description = "A topic config override key=value; repeatable")
        List<String> configs = new ArrayList<>();
        @Parameter(names = "--delete-config", splitter = NoSplitter.class, description = "A topic config override to remove (alter); repeatable")
        List<String> deleteConfigs = new ArrayList<>();
        @Parameter(names = "--if-not-exists", description = "With --create: do nothing if the topic exists")
        boolean ifNotExists;
        @Parameter(names = "--if-exists", description = "With --alter or --delete: do nothing if the topic does not exist")
        boolean ifExists;
        @Parameter(names = "--under-replicated-partitions", description = "With --describe: only partitions missing in-sync replicas")
        boolean underReplicated;
        @Parameter(names = "--unavailable-partitions", description = "With --describe: only partitions without a leader")
        boolean unavailable;
        @Parameter(names = "--exclude-internal", description = "Accepted for compatibility; Sluice has no internal topics")
        boolean excludeInternal;
        @Parameter(names = "--zookeeper", description = "Not supported: Sluice has no ZooKeeper", hidden = true)
        String zookeeper;
    }

    public TopicsCommand() {
        this(System.out, Admin::create);
    }

    TopicsCommand(PrintStream out, Function<Map<String, Object>, Admin> adminFactory) {
        this.out = out;
        this.adminFactory = adminFactory;
    }

    @Override
    public String name() {
        return "topics";
    }

    @Override
    public String summary() {
        return "Create, list, describe, alter and delete topics (like kafka-topics.sh)";
    }

    @Override
    public List<String> examples() {
        return List.of("./sluice topics --create --topic events --partitions 3 --replication-factor 3 --bootstrap-server localhost:9092",
                "./sluice topics --describe --topic events --bootstrap-server localhost:9092");
    }

    @Override
    public int run(String[] args) throws Exception {
        Options o = parse(args);
        if (o == null) {
            return 0;
        }
        ClientOptions.requireReachable(o.bootstrapServer);
        try (Admin admin = adminFactory.apply(ClientOptions.adminProps(o.bootstrapServer,
                ClientOptions.loadFile(o.commandConfig, "--command-config")))) {
            if (o.create) {
                create(admin, o);
            } else if (o.list) {
                ClientOptions.await(admin.listTopics()).forEach(out::println);
            } else if (o.describe) {
                describe(admin, o);
            } else if (o.alter) {
                alter(admin, o);
            } else {
                delete(admin, o);
            }
        }
        return 0;
    }

    /** Parses and checks the flags; null when help was printed. Nothing is sent before this passes. */
    static Options parse(String[] args) {
        Options o = new Options();
        if (!Usage.parse(new TopicsCommand(), o, args)) {
            return null;
        }
        if (o.zookeeper != null) {
            throw new UsageException("Sluice has no ZooKeeper (metadata lives in the nodes' Raft quorum); "
                    + "use --bootstrap-server localhost:9092 instead of --zookeeper");
        }
        int actions = (o.create ? 1 : 0) + (o.list ? 1 : 0) + (o.describe ? 1 : 0) + (o.alter ? 1 : 0) + (o.delete ? 1 : 0);
        if (actions != 1) {
            throw new UsageException("give exactly one action: --list, --describe, --create, --alter or --delete");
        }
        if ((o.create || o.alter || o.delete) && o.topic == null) {
            throw new UsageException("--topic is required with " + (o.create ? "--create" : o.alter ? "--alter" : "--delete"));
        }
        if (o.topic != null && !o.describe) {
            ClientOptions.validateTopicName(o.topic);
        }
        if (o.partitions != null && o.partitions <= 0) {
            throw new UsageException("--partitions must be greater than 0, not " + o.partitions);
        }
        if (o.replicationFactor != null && (o.replicationFactor <= 0 || o.replicationFactor > Short.MAX_VALUE)) {
            throw new UsageException("--replication-factor must be between 1 and " + Short.MAX_VALUE + " inclusive, not "
                    + o.replicationFactor);
        }
        if (o.replicationFactor != null && !o.create) {
            throw new UsageException("--replication-factor is only valid with --create; changing it is not supported");
        }
        if (o.alter && o.partitions == null && o.configs.isEmpty() && o.deleteConfigs.isEmpty()) {
            throw new UsageException("--alter needs --partitions, --config or --delete-config");
        }
        ClientOptions.parsePairs(o.configs, "--config");
        return o;
    }

    private void create(Admin admin, Options o) throws Exception {
        NewTopic topic = new NewTopic(o.topic, o.partitions == null ? -1 : o.partitions,
                o.replicationFactor == null ? -1 : o.replicationFactor, ClientOptions.parsePairs(o.configs, "--config"));
        try {
            ClientOptions.await(admin.createTopics(List.of(topic)));
            out.println("Created topic " + o.topic + ".");
        } catch (SluiceException e) {
            if (!(o.ifNotExists && e.code() == ErrorCode.TOPIC_ALREADY_EXISTS)) {
                throw e;
            }
        }
    }

    private void describe(Admin admin, Options o) throws Exception {
        Map<String, TopicDescription> topics;
        try {
            topics = ClientOptions.await(admin.describeTopics(o.topic == null ? List.of() : List.of(o.topic)));
        } catch (SluiceException e) {
            throw e.code() == ErrorCode.UNKNOWN_TOPIC_OR_PARTITION ? ClientOptions.unknownTopic(o.topic) : e;
        }
        TopicsFormatter.Filter filter = o.underReplicated ? TopicsFormatter.Filter.UNDER_REPLICATED
                : o.unavailable ? TopicsFormatter.Filter.UNAVAILABLE : TopicsFormatter.Filter.ALL;
        Map<ConfigResource, List<ConfigEntry>> configs = topics.isEmpty() || filter != TopicsFormatter.Filter.ALL ? Map.of()
                : ClientOptions.await(admin.describeConfigs(topics.keySet().stream().map(ConfigResource::topic).toList()));
        Map<String, Map<Integer, Map<Integer, CleanerProgress>>> cleaner = cleanerProgress(admin, topics, configs);
        for (TopicDescription t : topics.values()) {
            TopicsFormatter.describe(t, configs.getOrDefault(ConfigResource.topic(t.name()), List.of()), filter,
                    cleaner.getOrDefault(t.name(), Map.of()), out);
        }
    }

    /**
     * The cleaner's progress of every replica of the compacted topics among {@code topics}: topic ->
     * partition -> broker -> progress. Each replica cleans its own copy, so the broker of every replica
     * is asked (DescribeLogCleaner); one that does not answer is left out (shown as {@code ?}).
     */
    private static Map<String, Map<Integer, Map<Integer, CleanerProgress>>> cleanerProgress(Admin admin,
            Map<String, TopicDescription> topics, Map<ConfigResource, List<ConfigEntry>> configs) throws Exception {
        List<String> compacted = topics.keySet().stream()
                .filter(t -> TopicsFormatter.compacted(configs.getOrDefault(ConfigResource.topic(t), List.of()))).toList();
        Map<String, Map<Integer, Map<Integer, CleanerProgress>>> out = new HashMap<>();
        if (compacted.isEmpty()) {
            return out;
        }
        for (String t : compacted) {
            out.put(t, new HashMap<>());
        }
        Set<Integer> brokers = new TreeSet<>();
        compacted.forEach(t -> topics.get(t).partitions().forEach(p -> brokers.addAll(p.replicas())));
        for (Node node : ClientOptions.await(admin.describeCluster()).brokers()) {
            if (!brokers.contains(node.id())) {
                continue;
            }
            Map<TopicPartition, CleanerProgress> answer;
            try {
                answer = admin.describeLogCleaner(node, compacted).get();
            } catch (ExecutionException e) {
                continue; // shown as "?": the rest of the describe is still worth printing
            }
            answer.forEach((tp, progress) -> out.get(tp.topic()).computeIfAbsent(tp.partition(), p -> new HashMap<>())
                    .put(node.id(), progress));
        }
        return out;
    }

    private void alter(Admin admin, Options o) throws Exception {
        TopicDescription current;
        try {
            current = ClientOptions.await(admin.describeTopics(List.of(o.topic))).get(o.topic);
        } catch (SluiceException e) {
            if (o.ifExists && e.code() == ErrorCode.UNKNOWN_TOPIC_OR_PARTITION) {
                return;
            }
            throw e.code() == ErrorCode.UNKNOWN_TOPIC_OR_PARTITION ? ClientOptions.unknownTopic(o.topic) : e;
        }
        if (o.partitions != null) {
            int count = current.partitions().size();
            if (o.partitions <= count) {
                throw new UsageException("The number of partitions for a topic can only be increased. Topic " + o.topic
                        + " currently has " + count + " partitions, " + o.partitions + " would not be an increase.");
            }
        }
        List<AlterConfigOp> ops = new ArrayList<>();
        ClientOptions.parsePairs(o.configs, "--config").forEach((k, v) -> ops.add(AlterConfigOp.set(k, v)));
        o.deleteConfigs.forEach(k -> ops.add(AlterConfigOp.delete(k)));
        if (!ops.isEmpty()) {
            ClientOptions.await(admin.incrementalAlterConfigs(Map.of(ConfigResource.topic(o.topic), ops)));
        }
        if (o.partitions != null) {
            ClientOptions.await(admin.createPartitions(Map.of(o.topic, o.partitions)));
        }
    }

    private void delete(Admin admin, Options o) throws Exception {
        try {
            ClientOptions.await(admin.deleteTopics(Set.of(o.topic)));
        } catch (SluiceException e) {
            if (!(o.ifExists && e.code() == ErrorCode.UNKNOWN_TOPIC_OR_PARTITION)) {
                throw e.code() == ErrorCode.UNKNOWN_TOPIC_OR_PARTITION ? ClientOptions.unknownTopic(o.topic) : e;
            }
        }
    }
}
