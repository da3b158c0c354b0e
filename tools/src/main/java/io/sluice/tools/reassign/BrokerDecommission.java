package io.sluice.tools.reassign;

import io.sluice.client.Node;
import io.sluice.client.PartitionInfo;
import io.sluice.client.admin.Admin;
import io.sluice.client.admin.ClusterDescription;
import io.sluice.client.admin.PartitionReassignment;
import io.sluice.client.admin.TopicDescription;
import io.sluice.protocol.SluiceException;
import io.sluice.protocol.TopicPartition;
import io.sluice.tools.ToolException;
import io.sluice.tools.UsageException;
import io.sluice.tools.configs.ClientOptions;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * {@code ./sluice cluster decommission}: moves every replica off a broker through partition
 * reassignment, placed by {@link DecommissionPlan}, and waits until no partition lists it. While it
 * waits it plans again for partitions that list the broker and are not being moved (a reassignment
 * cancelled meanwhile, a partition created on it), so it converges. One thread.
 */
public final class BrokerDecommission {
    private static final long POLL_MS = 1000;

    private final Admin admin;
    private final PrintStream out;

    public BrokerDecommission(Admin admin, PrintStream out) {
        this.admin = admin;
        this.out = out;
    }

    /**
     * Starts the moves, then (with {@code wait}) waits up to {@code timeoutMs} until no partition lists
     * the broker. Returns the exit code: 0 when the broker holds no replica (or the moves started, without
     * {@code wait}), 1 when some were still on it at the deadline.
     */
    public int run(int broker, boolean wait, long timeoutMs) throws Exception {
        int started = start(broker);
        if (!wait) {
            out.println(started == 0 && remaining(broker).isEmpty() ? "Broker " + broker + " hosts no replicas."
                    : "Check progress with ./sluice cluster decommission --id " + broker + " --verify");
            return 0;
        }
        long deadline = System.nanoTime() + timeoutMs * 1_000_000;
        int lastCount = -1;
        while (true) {
            Map<TopicPartition, List<Integer>> left = remaining(broker);
            if (left.isEmpty()) {
                out.println("Broker " + broker + " hosts no replicas: stop it, then (a broker-only node)"
                        + " ./sluice cluster unregister --id " + broker);
                return 0;
            }
            if (left.size() != lastCount) {
                out.println(left.size() + " partition(s) still on broker " + broker + ": " + names(left));
                lastCount = left.size();
            }
            if (System.nanoTime() > deadline) {
                out.println("Gave up waiting after " + timeoutMs + " ms; the moves go on in the cluster. Check with"
                        + " ./sluice cluster decommission --id " + broker + " --verify");
                return 1;
            }
            Thread.sleep(POLL_MS);
            start(broker);
        }
    }

    /** Prints what is left on the broker and what is moving; 0 when nothing is left. */
    public int verify(int broker) throws Exception {
        requireRegistered(broker, ClientOptions.await(admin.describeCluster()));
        Map<TopicPartition, List<Integer>> left = remaining(broker);
        if (left.isEmpty()) {
            out.println("Broker " + broker + " hosts no replicas.");
            return 0;
        }
        Map<TopicPartition, PartitionReassignment> ongoing = ClientOptions.await(admin.listPartitionReassignments(List.of()));
        for (Map.Entry<TopicPartition, List<Integer>> e : left.entrySet()) {
            PartitionReassignment r = ongoing.get(e.getKey());
            out.println("Partition " + e.getKey() + " (replicas " + join(e.getValue()) + ") "
                    + (r == null ? "is not being moved; run decommission again"
                    : "is moving: adding " + join(r.addingReplicas()) + ", removing " + join(r.removingReplicas())) + ".");
        }
        return 1;
    }

    /** Starts moving the partitions on the broker that are not being reassigned; returns how many. */
    int start(int broker) throws Exception {
        ClusterDescription cluster = ClientOptions.await(admin.describeCluster());
        requireRegistered(broker, cluster);
        List<Integer> live = cluster.brokers().stream().map(Node::id)
                .filter(id -> !cluster.fencedBrokerIds().contains(id)).toList();
        Map<TopicPartition, List<Integer>> assignment = assignment();
        Map<TopicPartition, List<Integer>> plan;
        try {
            plan = DecommissionPlan.plan(broker, assignment, live,
                    ClientOptions.await(admin.listPartitionReassignments(List.of())).keySet());
        } catch (DecommissionPlan.NotEnoughBrokersException e) {
            throw new ToolException(e.getMessage());
        }
        if (plan.isEmpty()) {
            return 0;
        }
        Map<TopicPartition, Optional<List<Integer>>> request = new LinkedHashMap<>();
        plan.forEach((tp, replicas) -> request.put(tp, Optional.of(replicas)));
        Map<TopicPartition, SluiceException> refused = ClientOptions.await(admin.alterPartitionReassignments(request, true));
        plan.forEach((tp, target) -> {
            if (!refused.containsKey(tp)) {
                out.println("Moving " + tp + ": " + join(assignment.get(tp)) + " -> " + join(target));
            }
        });
        if (!refused.isEmpty()) {
            throw new ToolException("could not move " + refused.entrySet().stream()
                    .map(e -> e.getKey() + " (" + e.getValue().getMessage() + ")").collect(Collectors.joining(", ")));
        }
        return plan.size();
    }

    private static void requireRegistered(int broker, ClusterDescription cluster) {
        List<Integer> ids = cluster.brokers().stream().map(Node::id).sorted().toList();
        if (!ids.contains(broker)) {
            throw new UsageException("--id: broker " + broker + " is not registered (brokers: " + ids + ")");
        }
    }

    /** The partitions whose replicas (during a move: old and new together) include the broker. */
    private Map<TopicPartition, List<Integer>> remaining(int broker) throws Exception {
        Map<TopicPartition, List<Integer>> left = new LinkedHashMap<>();
        assignment().forEach((tp, replicas) -> {
            if (replicas.contains(broker)) {
                left.put(tp, replicas);
            }
        });
        return left;
    }

    private Map<TopicPartition, List<Integer>> assignment() throws Exception {
        List<String> topics = new ArrayList<>(ClientOptions.await(admin.listTopics()));
        Map<TopicPartition, List<Integer>> replicas = new LinkedHashMap<>();
        if (topics.isEmpty()) {
            return replicas;
        }
        Map<String, TopicDescription> described = ClientOptions.await(admin.describeTopics(topics));
        for (TopicDescription d : described.values()) {
            for (PartitionInfo p : d.partitions()) {
                replicas.put(p.topicPartition(), p.replicas());
            }
        }
        return replicas;
    }

    private static String names(Map<TopicPartition, List<Integer>> partitions) {
        List<String> names = partitions.keySet().stream().map(TopicPartition::toString).toList();
        return names.size() <= 10 ? String.join(", ", names)
                : String.join(", ", names.subList(0, 10)) + " and " + (names.size() - 10) + " more";
    }

    private static String join(List<Integer> ids) {
        return ids.stream().map(Object::toString).collect(Collectors.joining(","));
    }
}
