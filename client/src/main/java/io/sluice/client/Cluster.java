package io.sluice.client;

import io.sluice.protocol.ErrorCode;
import io.sluice.protocol.TopicPartition;
import io.sluice.protocol.rpc.BrokerDescription;
import io.sluice.protocol.rpc.MetadataResponse;
import io.sluice.protocol.rpc.PartitionMetadata;
import io.sluice.protocol.rpc.TopicMetadata;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * An immutable snapshot of cluster metadata: brokers, and the partitions of the topics a client asked
 * about with their leaders. {@link Metadata} replaces the snapshot as a whole on each refresh, so a
 * reader never sees half of an update. Thread-safe (immutable).
 */
public final class Cluster {
    private static final Cluster EMPTY = new Cluster("", -1, Map.of(), Map.of(), Map.of(), Map.of());

    private final String clusterId;
    private final int controllerId;
    private final Map<Integer, Node> nodes;
    private final Map<String, List<PartitionInfo>> partitionsByTopic;
    private final Map<String, String> topicIds;
    private final Map<String, ErrorCode> topicErrors;

    private Cluster(String clusterId, int controllerId, Map<Integer, Node> nodes,
                    Map<String, List<PartitionInfo>> partitionsByTopic, Map<String, String> topicIds,
                    Map<String, ErrorCode> topicErrors) {
        this.clusterId = clusterId;
        this.controllerId = controllerId;
        this.nodes = nodes;
        this.partitionsByTopic = partitionsByTopic;
        this.topicIds = topicIds;
        this.topicErrors = topicErrors;
    }

    /** A snapshot that knows nothing yet. */
    public static Cluster empty() {
        return EMPTY;
    }

    /** Builds a snapshot from a metadata response; unfenced brokers only are reachable nodes. */
    public static Cluster from(MetadataResponse response) {
        Map<Integer, Node> nodes = new HashMap<>();
        for (BrokerDescription b : response.getBrokersList()) {
            if (!b.getFenced()) {
                nodes.put(b.getBrokerId(), new Node(b.getBrokerId(), b.getEndpoint().getHost(), b.getEndpoint().getPort()));
            }
        }
        Map<String, List<PartitionInfo>> partitions = new HashMap<>();
        Map<String, String> ids = new HashMap<>();
        Map<String, ErrorCode> errors = new HashMap<>();
        for (TopicMetadata t : response.getTopicsList()) {
            if (t.getError() != ErrorCode.NONE) {
                errors.put(t.getName(), t.getError());
                continue;
            }
            List<PartitionInfo> list = new ArrayList<>(t.getPartitionsCount());
            for (PartitionMetadata p : t.getPartitionsList()) {
                list.add(new PartitionInfo(t.getName(), p.getPartition(), p.getLeaderId(), p.getLeaderEpoch(),
                        p.getReplicasList(), p.getIsrList(), p.getOfflineReplicasList()));
            }
            list.sort(Comparator.comparingInt(PartitionInfo::partition));
            partitions.put(t.getName(), List.copyOf(list));
            ids.put(t.getName(), t.getTopicId());
        }
        return new Cluster(response.getClusterId(), response.getControllerId(), Map.copyOf(nodes),
                Map.copyOf(partitions), Map.copyOf(ids), Map.copyOf(errors));
    }

    public String clusterId() {
        return clusterId;
    }

    public int controllerId() {
        return controllerId;
    }

    public Collection<Node> nodes() {
        return nodes.values();
    }

    public Node node(int id) {
        return nodes.get(id);
    }

    public Set<String> topics() {
        return partitionsByTopic.keySet();
    }

    /** The partitions of a topic in index order, or an empty list when the topic is not known. */
    public List<PartitionInfo> partitionsFor(String topic) {
        return partitionsByTopic.getOrDefault(topic, List.of());
    }

    /** The partition count, or -1 when the topic is not in this snapshot. */
    public int partitionCount(String topic) {
        List<PartitionInfo> list = partitionsByTopic.get(topic);
        return list == null ? -1 : list.size();
    }

    public PartitionInfo partition(TopicPartition tp) {
        List<PartitionInfo> list = partitionsByTopic.get(tp.topic());
        if (list == null || tp.partition() < 0 || tp.partition() >= list.size()) {
            return null;
        }
        return list.get(tp.partition());
    }

    /** The leader's node, or null when the partition has no live leader in this snapshot. */
    public Node leaderFor(TopicPartition tp) {
        PartitionInfo info = partition(tp);
        return info == null || info.leader() < 0 ? null : nodes.get(info.leader());
    }

    /**
     * This snapshot with one partition's leader replaced, when a broker named a newer leader than the
     * snapshot knows (a NOT_LEADER_OR_FOLLOWER answer carries it); otherwise this snapshot itself.
     */
    public Cluster withLeader(TopicPartition tp, int leaderId, int leaderEpoch) {
        PartitionInfo current = partition(tp);
        if (current == null || leaderEpoch <= current.leaderEpoch() || !nodes.containsKey(leaderId)) {
            return this;
        }
        List<PartitionInfo> list = new ArrayList<>(partitionsByTopic.get(tp.topic()));
        list.set(tp.partition(), new PartitionInfo(tp.topic(), tp.partition(), leaderId, leaderEpoch, current.replicas(),
                current.isr(), current.offlineReplicas()));
        Map<String, List<PartitionInfo>> partitions = new HashMap<>(partitionsByTopic);
        partitions.put(tp.topic(), List.copyOf(list));
        return new Cluster(clusterId, controllerId, nodes, Map.copyOf(partitions), topicIds, topicErrors);
    }

    /**
     * This snapshot, except that a partition whose leader epoch is older here than in {@code previous}
     * (for the same topic id) keeps its entry from {@code previous}. A broker that has not caught up
     * with the metadata quorum (one just back from a network partition) answers with what it last
     * knew, and a client must never go back to an older leader: that leader may still think it leads
     * and serve a log shorter than what the client has read. This snapshot itself when nothing was older.
     */
    public Cluster keepingNewerLeadersOf(Cluster previous) {
        Map<String, List<PartitionInfo>> merged = null;
        for (Map.Entry<String, List<PartitionInfo>> e : partitionsByTopic.entrySet()) {
            String topic = e.getKey();
            List<PartitionInfo> older = previous.partitionsByTopic.get(topic);
            if (older == null || !topicIds.get(topic).equals(previous.topicIds.get(topic))) {
                continue;
            }
            List<PartitionInfo> list = e.getValue();
            List<PartitionInfo> kept = null;
            for (int i = 0; i < Math.min(list.size(), older.size()); i++) {
                if (older.get(i).leaderEpoch() > list.get(i).leaderEpoch()) {
                    if (kept == null) {
                        kept = new ArrayList<>(list);
                    }
                    kept.set(i, older.get(i));
                }
            }
            if (kept != null) {
                if (merged == null) {
                    merged = new HashMap<>(partitionsByTopic);
                }
                merged.put(topic, List.copyOf(kept));
            }
        }
        return merged == null ? this
                : new Cluster(clusterId, controllerId, nodes, Map.copyOf(merged), topicIds, topicErrors);
    }

    public String topicId(String topic) {
        return topicIds.get(topic);
    }

    /** The error the metadata response gave for a topic (e.g. unknown topic), or null. */
    public ErrorCode topicError(String topic) {
        return topicErrors.get(topic);
    }
}
