package io.sluice.tools.reassign;

import com.beust.jcommander.Parameter;
import io.sluice.client.Node;
import io.sluice.client.PartitionInfo;
import io.sluice.client.admin.Admin;
import io.sluice.client.admin.PartitionReassignment;
import io.sluice.client.admin.TopicDescription;
import io.sluice.protocol.SluiceException;
import io.sluice.protocol.TopicPartition;
import io.sluice.tools.Command;
import io.sluice.tools.CommonOptions;
import io.sluice.tools.Usage;
import io.sluice.tools.UsageException;
import io.sluice.tools.configs.ClientOptions;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * {@code ./sluice reassign-partitions}: Kafka's {@code kafka-reassign-partitions.sh} with its flags,
 * JSON files and messages: {@code --generate} proposes an assignment of topics over brokers,
 * {@code --execute} starts moving replicas, {@code --verify} tells whether each move completed,
 * {@code --cancel} goes back to the original replicas, {@code --list} shows the moves in progress.
 * The moves themselves run in the cluster (see docs/operations.md). The brokers enforce replication
 * throttles, but this tool does not set them yet: {@code --throttle} is refused, naming Kafka's tool,
 * which does (and removes them with {@code --verify}).
 */
public final class ReassignPartitionsCommand implements Command {
    static final class Options extends CommonOptions {
        @Parameter(names = "--bootstrap-server", description = "A broker to connect to, host:port")
        String bootstrapServer = "localhost:9092";
        @Parameter(names = "--generate", description = "Propose an assignment of --topics-to-move-json-file over --broker-list")
        boolean generate;
        @Parameter(names = "--execute", description = "Start the reassignment of --reassignment-json-file")
        boolean execute;
        @Parameter(names = "--verify", description = "Whether the reassignment of --reassignment-json-file completed")
        boolean verify;
        @Parameter(names = "--cancel", description = "Cancel the reassignments of --reassignment-json-file still running")
        boolean cancel;
        @Parameter(names = "--list", description = "List the reassignments in progress")
        boolean list;
        @Parameter(names = "--reassignment-json-file", description = "The partitions and their target replicas (Kafka's format)")
        String reassignmentFile;
        @Parameter(names = "--topics-to-move-json-file", description = "{\"version\":1,\"topics\":[{\"topic\":\"t\"}]}")
        String topicsFile;
        @Parameter(names = "--broker-list", description = "Brokers to place replicas on with --generate, e.g. 2,3,4")
        String brokerList;
        @Parameter(names = "--additional", description = "Execute although other reassignments are running")
        boolean additional;
        @Parameter(names = "--disallow-replication-factor-change", description = "Refuse a target of another replica count")
        boolean disallowReplicationFactorChange;
        @Parameter(names = "--preserve-throttles", description = "Accepted for Kafka's scripts: ./sluice sets no throttles")
        boolean preserveThrottles;
        @Parameter(names = "--throttle", description = "Not supported by this tool yet: use kafka-reassign-partitions.sh --throttle")
        long throttle = -1;
        @Parameter(names = "--timeout", description = "Accepted for Kafka's scripts (ms)")
        long timeoutMs = 10000;
    }

    @Override
    public String name() {
        return "reassign-partitions";
    }

    @Override
    public String summary() {
        return "Move partition replicas between brokers (--generate, --execute, --verify, --cancel)";
    }

    @Override
    public List<String> examples() {
        return List.of("./sluice reassign-partitions --generate --topics-to-move-json-file topics.json --broker-list 2,3,4",
                "./sluice reassign-partitions --execute --reassignment-json-file plan.json --bootstrap-server localhost:9092",
                "./sluice reassign-partitions --verify --reassignment-json-file plan.json --bootstrap-server localhost:9092");
    }

    @Override
    public int run(String[] args) throws Exception {
        Options o = new Options();
        if (!Usage.parse(this, o, args)) {
            return 0;
        }
        int actions = (o.generate ? 1 : 0) + (o.execute ? 1 : 0) + (o.verify ? 1 : 0) + (o.cancel ? 1 : 0) + (o.list ? 1 : 0);
        if (actions != 1) {
            throw new UsageException("give exactly one of --generate, --execute, --verify, --cancel, --list");
        }
        if (o.throttle >= 0) {
            throw new UsageException("--throttle: ./sluice reassign-partitions does not set throttles yet; run without it,"
                    + " or use Kafka's kafka-reassign-partitions.sh --throttle, whose throttles the brokers enforce");
        }
        if ((o.execute || o.verify || o.cancel) && o.reassignmentFile == null) {
            throw new UsageException("--reassignment-json-file is required with --execute, --verify and --cancel");
        }
        if (o.generate && (o.topicsFile == null || o.brokerList == null)) {
            throw new UsageException("--generate needs --topics-to-move-json-file and --broker-list");
        }
        ClientOptions.requireReachable(o.bootstrapServer);
        try (Admin admin = Admin.create(ClientOptions.adminProps(o.bootstrapServer, Map.of()))) {
            if (o.generate) {
                return generate(admin, ReassignmentJson.readTopics(o.topicsFile), brokers(o.brokerList));
            }
            if (o.list) {
                return list(admin);
            }
            Map<TopicPartition, List<Integer>> targets = ReassignmentJson.readReassignment(o.reassignmentFile);
            if (o.execute) {
                return execute(admin, targets, o.additional, o.disallowReplicationFactorChange);
            }
            return o.verify ? verify(admin, targets) : cancel(admin, targets);
        }
    }

    private static int generate(Admin admin, List<String> topics, List<Integer> brokers) throws Exception {
        List<Integer> registered = ClientOptions.await(admin.describeCluster()).brokers().stream().map(Node::id).toList();
        for (int b : brokers) {
            if (!registered.contains(b)) {
                throw new UsageException("--broker-list: broker " + b + " is not registered (brokers: " + registered + ")");
            }
        }
        Map<TopicPartition, List<Integer>> current = currentReplicas(admin, topics);
        Map<TopicPartition, List<Integer>> proposed = new LinkedHashMap<>();
        for (String topic : topics) {
            List<TopicPartition> partitions = current.keySet().stream().filter(tp -> tp.topic().equals(topic)).toList();
            int replicationFactor = current.get(partitions.get(0)).size();
            if (replicationFactor > brokers.size()) {
                throw new UsageException("topic " + topic + " has " + replicationFactor + " replicas per partition, more"
                        + " than the " + brokers.size() + " brokers of --broker-list");
            }
            List<List<Integer>> placed = RackUnawareAssignment.assign(brokers, partitions.size(), replicationFactor);
            for (int i = 0; i < partitions.size(); i++) {
                proposed.put(partitions.get(i), placed.get(i));
            }
        }
        System.out.println("Current partition replica assignment");
        System.out.println(ReassignmentJson.write(current));
        System.out.println();
        System.out.println("Proposed partition reassignment configuration");
        System.out.println(ReassignmentJson.write(proposed));
        return 0;
    }

    private static int execute(Admin admin, Map<TopicPartition, List<Integer>> targets, boolean additional,
                               boolean keepReplicationFactor) throws Exception {
        if (!additional && !ClientOptions.await(admin.listPartitionReassignments(List.of())).isEmpty()) {
            throw new UsageException("Cannot execute because there is an existing partition assignment. Use"
                    + " --additional to override this and create a new partition assignment in addition to the existing one.");
        }
        List<String> topics = targets.keySet().stream().map(TopicPartition::topic).distinct().toList();
        Map<TopicPartition, List<Integer>> current = new LinkedHashMap<>();
        Map<TopicPartition, List<Integer>> all = currentReplicas(admin, topics);
        targets.keySet().forEach(tp -> {
            if (!all.containsKey(tp)) {
                throw ClientOptions.unknownTopic(tp.toString());
            }
            current.put(tp, all.get(tp));
        });
        System.out.println("Current partition replica assignment");
        System.out.println();
        System.out.println(ReassignmentJson.write(current));
        System.out.println();
        System.out.println("Save this to use as the --reassignment-json-file option during rollback");
        Map<TopicPartition, Optional<List<Integer>>> request = new LinkedHashMap<>();
        targets.forEach((tp, replicas) -> request.put(tp, Optional.of(replicas)));
        Map<TopicPartition, SluiceException> refused =
                ClientOptions.await(admin.alterPartitionReassignments(request, keepReplicationFactor));
        refused.forEach((tp, e) -> System.out.println("Error reassigning partition(s): " + tp + ": " + e.getMessage()));
        List<TopicPartition> started = targets.keySet().stream().filter(tp -> !refused.containsKey(tp)).toList();
        if (!started.isEmpty()) {
            System.out.println("Successfully started partition reassignment" + (started.size() > 1 ? "s" : "")
                    + " for " + join(started));
        }
        return refused.isEmpty() ? 0 : 1;
    }

    private static int verify(Admin admin, Map<TopicPartition, List<Integer>> targets) throws Exception {
        Map<TopicPartition, PartitionReassignment> ongoing =
                ClientOptions.await(admin.listPartitionReassignments(targets.keySet()));
        Map<TopicPartition, List<Integer>> current =
                currentReplicas(admin, targets.keySet().stream().map(TopicPartition::topic).distinct().toList());
        System.out.println("Status of partition reassignment:");
        boolean done = true;
        for (Map.Entry<TopicPartition, List<Integer>> e : targets.entrySet()) {
            TopicPartition tp = e.getKey();
            if (ongoing.containsKey(tp)) {
                done = false;
                System.out.println("Reassignment of partition " + tp + " is still in progress.");
            } else if (e.getValue().equals(current.get(tp))) {
                System.out.println("Reassignment of partition " + tp + " is completed.");
            } else {
                done = false;
                System.out.println("There is no active reassignment of partition " + tp + ", but replica set is "
                        + join(current.getOrDefault(tp, List.of())) + " rather than " + join(e.getValue()) + ".");
            }
        }
        return done ? 0 : 1;
    }

    private static int cancel(Admin admin, Map<TopicPartition, List<Integer>> targets) throws Exception {
        Map<TopicPartition, PartitionReassignment> ongoing =
                ClientOptions.await(admin.listPartitionReassignments(targets.keySet()));
        if (ongoing.isEmpty()) {
            System.out.println("None of the specified partition reassignments are active.");
            return 0;
        }
        Map<TopicPartition, Optional<List<Integer>>> request = new LinkedHashMap<>();
        ongoing.keySet().forEach(tp -> request.put(tp, Optional.empty()));
        Map<TopicPartition, SluiceException> refused = ClientOptions.await(admin.alterPartitionReassignments(request, false));
        refused.forEach((tp, e) -> System.out.println("Error cancelling the reassignment of " + tp + ": " + e.getMessage()));
        List<TopicPartition> cancelled = ongoing.keySet().stream().filter(tp -> !refused.containsKey(tp)).toList();
        if (!cancelled.isEmpty()) {
            System.out.println("Successfully cancelled partition reassignments for: " + join(cancelled));
        }
        return refused.isEmpty() ? 0 : 1;
    }

    private static int list(Admin admin) throws Exception {
        Map<TopicPartition, PartitionReassignment> ongoing = ClientOptions.await(admin.listPartitionReassignments(List.of()));
        if (ongoing.isEmpty()) {
            System.out.println("No partition reassignments found.");
            return 0;
        }
        System.out.println("Current partition reassignments:");
        ongoing.forEach((tp, r) -> System.out.println(tp + ": replicas: " + join(r.replicas()) + ". adding: "
                + join(r.addingReplicas()) + ". removing: " + join(r.removingReplicas()) + "."));
        return 0;
    }

    /** Every partition's replicas of the topics, in topic and partition order. */
    private static Map<TopicPartition, List<Integer>> currentReplicas(Admin admin, List<String> topics) throws Exception {
        Map<String, TopicDescription> described = ClientOptions.await(admin.describeTopics(topics));
        Map<TopicPartition, List<Integer>> replicas = new LinkedHashMap<>();
        for (String topic : topics) {
            for (PartitionInfo p : described.get(topic).partitions()) {
                replicas.put(new TopicPartition(topic, p.partition()), p.replicas());
            }
        }
        return replicas;
    }

    private static List<Integer> brokers(String list) {
        try {
            List<Integer> ids = Arrays.stream(list.split(",")).map(String::trim).map(Integer::parseInt).distinct().toList();
            if (ids.isEmpty()) {
                throw new NumberFormatException();
            }
            return new ArrayList<>(ids);
        } catch (NumberFormatException e) {
            throw new UsageException("--broker-list: expected broker ids separated by commas, e.g. 2,3,4, not '" + list + "'");
        }
    }

    private static String join(List<?> items) {
        return items.stream().map(Object::toString).collect(Collectors.joining(","));
    }
}
