package io.sluice.server;

import io.sluice.config.BrokerDefaults;
import io.sluice.metadata.MetadataNode;
import io.sluice.metadata.controller.ControllerResult;
import io.sluice.metadata.controller.MetadataController;
import io.sluice.metadata.controller.DynamicBrokerConfigs;
import io.sluice.metadata.image.ConfigsImage;
import io.sluice.metadata.image.MetadataImage;
import io.sluice.metadata.image.PartitionRegistration;
import io.sluice.metadata.image.TopicImage;
import io.sluice.network.NodeClient;
import io.sluice.protocol.ErrorCode;
import io.sluice.protocol.metadata.AlterBrokerConfigsCommand;
import io.sluice.protocol.metadata.AlterConfigsCommand;
import io.sluice.protocol.metadata.AlterPartitionReassignmentsCommand;
import io.sluice.protocol.metadata.PartitionReassignment;
import io.sluice.protocol.metadata.CreatePartitionsCommand;
import io.sluice.protocol.metadata.CreateTopicCommand;
import io.sluice.protocol.metadata.DeleteTopicCommand;
import io.sluice.protocol.metadata.ElectPreferredLeadersCommand;
import io.sluice.protocol.metadata.MetadataCommand;
import io.sluice.protocol.metadata.MetadataCommandResult;
import io.sluice.protocol.metadata.PartitionOutcome;
import io.sluice.protocol.metadata.TopicPartitionRef;
import io.sluice.replication.Partition;
import io.sluice.replication.ReplicaManager;
import io.sluice.storage.PartitionLog;
import io.sluice.protocol.TopicPartition;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;

/**
 * Cluster administration for every protocol, in plain Java types: topics, partitions, topic configs,
 * preferred-leader elections and DeleteRecords, plus read-only descriptions (configs, the log
 * directory, the quorum via {@link QuorumDescriber}). A change becomes one metadata command proposed
 * through the Raft quorum and is answered once this node's image has caught up with it, so a describe
 * on the same connection sees it; the rules (names, counts, config keys and values) live in the
 * controller, where every node reaches the same verdict. A validate-only request runs the same
 * controller code on the current image and throws the records away. Stateless; thread-safe.
 */
public final class AdminService {
    private final MetadataNode metadata;
    private final NodeConfig config;
    private final ReplicaManager replicas;
    private final QuorumDescriber quorum;
    private final VoterChanges voterChanges;

    /** What became of a topic command: on success the topic's id and (for a creation) its shape. */
    public record TopicOutcome(ErrorCode error, String message, String topicId, int partitions,
                               int replicationFactor) {
        public boolean ok() {
            return error == ErrorCode.NONE;
        }
    }

    /** One partition's election: {@code alreadyPreferred} when its preferred replica led before the request. */
    public record ElectionOutcome(TopicPartition partition, ErrorCode error, String message, boolean alreadyPreferred) {
    }

    /** An election request's outcome: an error for the whole request, or one outcome per partition. */
    public record Elections(ErrorCode error, String message, List<ElectionOutcome> partitions) {
    }

    /** A DeleteRecords on one partition: its log start offset afterwards (Kafka's low watermark). */
    public record RecordsOutcome(ErrorCode error, String message, long lowWatermark) {
    }

    /** A requested move of one partition to {@code replicas} (preferred leader first); null replicas cancels. */
    public record Reassignment(TopicPartition partition, List<Integer> replicas) {
        public boolean cancel() {
            return replicas == null;
        }
    }

    /** What became of one partition's reassignment request. */
    public record ReassignmentOutcome(TopicPartition partition, ErrorCode error, String message) {
    }

    /** A reassignment in progress: the union of the replicas, and those being added and removed. */
    public record OngoingReassignment(TopicPartition partition, List<Integer> replicas, List<Integer> adding,
                                      List<Integer> removing) {
    }

    /** One partition replica in this node's log directory. */
    public record LogDirEntry(TopicPartition partition, long sizeBytes, long offsetLag) {
    }

    public AdminService(MetadataNode metadata, NodeConfig config, ReplicaManager replicas, NodeClient client) {
        this.metadata = metadata;
        this.config = config;
        this.replicas = replicas;
        this.quorum = new QuorumDescriber(metadata, config, client);
        this.voterChanges = new VoterChanges(metadata);
    }

    /**
     * Creates a topic; {@code partitions} or {@code replicationFactor} of -1 take the cluster's
     * {@code num.partitions} / {@code default.replication.factor}.
     */
    public CompletableFuture<TopicOutcome> createTopic(String name, int partitions, int replicationFactor,
                                                       Map<String, String> configs, boolean validateOnly) {
        BrokerDefaults defaults = config.defaults();
        int count = partitions == -1 ? defaults.numPartitions() : partitions;
        int rf = replicationFactor == -1 ? defaults.replicationFactor() : replicationFactor;
        CreateTopicCommand command = CreateTopicCommand.newBuilder().setName(name).setPartitions(count)
                .setReplicationFactor(rf).putAllConfigs(configs).build();
        return run(MetadataCommand.newBuilder().setCreateTopic(command), validateOnly)
                .thenApply(r -> new TopicOutcome(r.getError(), r.getErrorMessage(), r.getTopicId(), count, rf));
    }

    public CompletableFuture<TopicOutcome> deleteTopic(String name) {
        return run(MetadataCommand.newBuilder().setDeleteTopic(DeleteTopicCommand.newBuilder().setName(name)), false)
                .thenApply(r -> new TopicOutcome(r.getError(), r.getErrorMessage(), r.getTopicId(), -1, -1));
    }

    /** Grows a topic to {@code totalCount} partitions. */
    public CompletableFuture<TopicOutcome> createPartitions(String topic, int totalCount, boolean validateOnly) {
        CreatePartitionsCommand command = CreatePartitionsCommand.newBuilder().setTopic(topic)
                .setTotalCount(totalCount).build();
        return run(MetadataCommand.newBuilder().setCreatePartitions(command), validateOnly)
                .thenApply(r -> new TopicOutcome(r.getError(), r.getErrorMessage(), r.getTopicId(), totalCount, -1));
    }

    /** Sets and removes (back to the default) a topic's own settings, in one command. */
    public CompletableFuture<TopicOutcome> alterTopicConfigs(String topic, Map<String, String> set,
                                                             Collection<String> delete, boolean validateOnly) {
        AlterConfigsCommand command = AlterConfigsCommand.newBuilder().setTopic(topic).putAllSet(set)
                .addAllDelete(delete).build();
        return run(MetadataCommand.newBuilder().setAlterConfigs(command), validateOnly)
                .thenApply(r -> new TopicOutcome(r.getError(), r.getErrorMessage(), r.getTopicId(), -1, -1));
    }

    /** A topic's effective settings from this node's image, or empty if the topic does not exist. */
    public Optional<List<ConfigValue>> topicConfigs(String topic) {
        MetadataImage image = metadata.image();
        if (image.topics().topic(topic) == null) {
            return Optional.empty();
        }
        return Optional.of(BrokerConfigs.topicConfigs(config, image.configs().topicConfig(topic)));
    }

    /** The effective settings of a topic whose own settings are {@code own} (a topic just created). */
    public List<ConfigValue> topicConfigs(Map<String, String> own) {
        return BrokerConfigs.topicConfigs(config, own);
    }

    /**
     * This node's own settings: the static ones (read-only: from its properties file and command line),
     * then the dynamic replication throttles, set for this broker or for every broker, or unset (empty).
     */
    public List<ConfigValue> brokerConfigs() {
        List<ConfigValue> all = new ArrayList<>(BrokerConfigs.brokerConfigs(config));
        ConfigsImage configs = metadata.image().configs();
        for (String key : DynamicBrokerConfigs.supportedKeys()) {
            String own = configs.brokerConfig(config.nodeId()).get(key);
            String shared = configs.brokerConfig(ConfigsImage.DEFAULT_BROKER).get(key);
            List<ConfigValue.Synonym> synonyms = new ArrayList<>();
            if (own != null) {
                synonyms.add(new ConfigValue.Synonym(key, own, ConfigValue.Source.DYNAMIC_BROKER));
            }
            if (shared != null) {
                synonyms.add(new ConfigValue.Synonym(key, shared, ConfigValue.Source.DYNAMIC_DEFAULT_BROKER));
            }
            ConfigValue.Synonym first = synonyms.isEmpty() ? null : synonyms.get(0);
            all.add(new ConfigValue(key, first == null ? "" : first.value(),
                    first == null ? ConfigValue.Source.DEFAULT : first.source(), false,
                    "Replication throttle in bytes per second (accepted and stored; not enforced by Sluice yet)",
                    synonyms));
        }
        return all;
    }

    /**
     * Moves leadership of the partitions (every partition when empty) to their preferred replica where
     * it is in the ISR and eligible.
     */
    public CompletableFuture<Elections> electPreferredLeaders(List<TopicPartition> partitions) {
        MetadataImage before = metadata.image();
        ElectPreferredLeadersCommand.Builder command = ElectPreferredLeadersCommand.newBuilder();
        for (TopicPartition tp : partitions) {
            command.addPartitions(TopicPartitionRef.newBuilder().setTopic(tp.topic()).setPartition(tp.partition()));
        }
        return run(MetadataCommand.newBuilder().setElectPreferredLeaders(command), false).thenApply(r -> {
            List<ElectionOutcome> outcomes = new ArrayList<>();
            for (PartitionOutcome o : r.getPartitionsList()) {
                outcomes.add(new ElectionOutcome(new TopicPartition(o.getTopic(), o.getPartition()), o.getError(),
                        o.getErrorMessage(), ledByPreferred(before, o.getTopic(), o.getPartition())));
            }
            return new Elections(r.getError(), r.getErrorMessage(), outcomes);
        });
    }

    /**
     * Starts, replaces or cancels reassignments, each partition on its own (see docs/operations.md).
     * With {@code keepReplicationFactor} a target of another size than the current replicas is refused.
     * An error for the whole request (the quorum unreachable) fails the future.
     */
    public CompletableFuture<List<ReassignmentOutcome>> alterReassignments(List<Reassignment> reassignments,
                                                                         boolean keepReplicationFactor) {
        AlterPartitionReassignmentsCommand.Builder command = AlterPartitionReassignmentsCommand.newBuilder()
                .setKeepReplicationFactor(keepReplicationFactor);
        for (Reassignment r : reassignments) {
            PartitionReassignment.Builder one = PartitionReassignment.newBuilder().setTopic(r.partition().topic())
                    .setPartition(r.partition().partition()).setCancel(r.cancel());
            if (!r.cancel()) {
                one.addAllReplicas(r.replicas());
            }
            command.addReassignments(one);
        }
        return run(MetadataCommand.newBuilder().setAlterPartitionReassignments(command), false).thenApply(r -> {
            if (r.getError() != ErrorCode.NONE) {
                throw new io.sluice.protocol.SluiceException(r.getError(), r.getErrorMessage());
            }
            List<ReassignmentOutcome> outcomes = new ArrayList<>();
            for (PartitionOutcome o : r.getPartitionsList()) {
                outcomes.add(new ReassignmentOutcome(new TopicPartition(o.getTopic(), o.getPartition()), o.getError(),
                        o.getErrorMessage()));
            }
            return outcomes;
        });
    }

    /**
     * The reassignments in progress, from an image at least as new as any change acknowledged before
     * the call: of the given partitions (unknown ones are skipped, as Kafka does), or of all when null.
     */
    public CompletableFuture<List<OngoingReassignment>> listReassignments(Collection<TopicPartition> partitions) {
        return metadata.readLinearizable().thenApply(image -> {
            List<OngoingReassignment> ongoing = new ArrayList<>();
            for (TopicImage topic : image.topics().byName().values()) {
                topic.partitions().forEach((index, p) -> {
                    TopicPartition tp = new TopicPartition(topic.name(), index);
                    if (p.isReassigning() && (partitions == null || partitions.contains(tp))) {
                        ongoing.add(new OngoingReassignment(tp, p.replicas(), p.addingReplicas(), p.removingReplicas()));
                    }
                });
            }
            return ongoing;
        });
    }

    /**
     * Sets and removes a broker's dynamic settings (the replication throttles); {@code brokerId} -1 is
     * the cluster-wide default. Any other broker setting is refused (INVALID_CONFIG): they are static.
     */
    public CompletableFuture<TopicOutcome> alterBrokerConfigs(int brokerId, Map<String, String> set,
                                                              Collection<String> delete, boolean validateOnly) {
        AlterBrokerConfigsCommand command = AlterBrokerConfigsCommand.newBuilder().setBrokerId(brokerId)
                .putAllSet(set).addAllDelete(delete).build();
        return run(MetadataCommand.newBuilder().setAlterBrokerConfigs(command), validateOnly)
                .thenApply(r -> new TopicOutcome(r.getError(), r.getErrorMessage(), "", -1, -1));
    }

    private static boolean ledByPreferred(MetadataImage image, String topic, int partition) {
        TopicImage t = image.topics().topic(topic);
        PartitionRegistration p = t == null ? null : t.partition(partition);
        return p != null && p.hasLeader() && p.leader() == p.preferredLeader();
    }

    /**
     * Removes the records of a partition below {@code offset} (-1: the high watermark) on its leader,
     * which must be this node; the followers follow the leader's log start offset as they fetch.
     */
    public RecordsOutcome deleteRecords(TopicPartition tp, long offset) {
        Optional<Partition> partition = replicas.partition(tp);
        if (partition.isEmpty() || !partition.get().isLeader()) {
            ErrorCode error = metadata.image().topics().topic(tp.topic()) == null
                    ? ErrorCode.UNKNOWN_TOPIC_OR_PARTITION : ErrorCode.NOT_LEADER_OR_FOLLOWER;
            return new RecordsOutcome(error, "node " + config.nodeId() + " does not lead " + tp, -1);
        }
        PartitionLog log = partition.get().log();
        long hw = log.highWatermark();
        long target = offset == -1 ? hw : offset;
        if (target < 0 || target > hw) {
            return new RecordsOutcome(ErrorCode.OFFSET_OUT_OF_RANGE, "cannot delete records of " + tp + " before "
                    + offset + ": only offsets up to the high watermark " + hw + " (or -1 for it) can be given", -1);
        }
        try {
            return new RecordsOutcome(ErrorCode.NONE, null, log.advanceLogStartOffset(target));
        } catch (IOException e) {
            return new RecordsOutcome(ErrorCode.KAFKA_STORAGE_ERROR, "deleting records of " + tp + " failed: " + e, -1);
        }
    }

    /**
     * Kafka's AlterReplicaLogDirs on a node with one log directory: placing a replica in that
     * directory is where it already is (NONE) once the replica exists here (REPLICA_NOT_AVAILABLE
     * until a reassignment has created it, which Kafka's tool waits for); any other directory does
     * not exist (LOG_DIR_NOT_FOUND). Nothing moves.
     */
    public ErrorCode placeReplica(TopicPartition tp, String logDir) {
        if (!java.nio.file.Path.of(logDir).toAbsolutePath().normalize()
                .equals(config.logsDir().toAbsolutePath().normalize())) {
            return ErrorCode.LOG_DIR_NOT_FOUND;
        }
        return replicas.partition(tp).isPresent() ? ErrorCode.NONE : ErrorCode.REPLICA_NOT_AVAILABLE;
    }

    /** This node's log directory. */
    public java.nio.file.Path logDir() {
        return config.logsDir();
    }

    /**
     * Every partition replica in the log directory with its size on disk and its lag (Kafka's: how
     * far the log end is below the high watermark, 0 on a leader).
     */
    public List<LogDirEntry> logDirEntries() {
        List<LogDirEntry> entries = new ArrayList<>();
        for (Partition p : replicas.partitions().values()) {
            PartitionLog log = p.log();
            entries.add(new LogDirEntry(p.topicPartition(), log.size(),
                    Math.max(0, log.highWatermark() - log.logEndOffset())));
        }
        return entries;
    }

    QuorumDescriber quorum() {
        return quorum;
    }

    /** Takes a stopped broker-only node out of the metadata quorum; see {@link QuorumDescriber#unregisterBroker}. */
    public CompletableFuture<Void> unregisterBroker(int brokerId) {
        return CompletableFuture.runAsync(() -> quorum.unregisterBroker(brokerId));
    }

    /** Makes a running broker-only node a voter; see {@link VoterChanges#addVoter}. Off the caller's thread. */
    public CompletableFuture<Void> addRaftVoter(int nodeId, java.util.List<io.sluice.protocol.rpc.Endpoint> listeners) {
        return CompletableFuture.runAsync(() -> voterChanges.addVoter(nodeId, listeners));
    }

    /** Makes a voter a broker-only node; see {@link VoterChanges#removeVoter}. Off the caller's thread. */
    public CompletableFuture<Void> removeRaftVoter(int nodeId) {
        return CompletableFuture.runAsync(() -> voterChanges.removeVoter(nodeId));
    }

    /** The quorum as its leader sees it (asked of the leader when this node is not it). */
    public CompletableFuture<QuorumDescriber.Quorum> describeQuorum() {
        return quorum.describe();
    }

    /** Proposes a command (or, validate-only, runs it on the current image) and answers from an image that includes it. */
    private CompletableFuture<MetadataCommandResult> run(MetadataCommand.Builder command, boolean validateOnly) {
        command.setRequestId(UUID.randomUUID().toString()).setTimestampMs(System.currentTimeMillis());
        if (validateOnly) {
            MetadataCommand dry = command.setRequestId("").build();
            return metadata.readLinearizable().thenApply(image -> {
                ControllerResult result = MetadataController.execute(image, dry, metadata.appliedIndex() + 1,
                        metadata.leaderTerm());
                return result.result().toBuilder().setTopicId("").build();
            });
        }
        return metadata.submit(command.build())
                .thenCompose(result -> metadata.readLinearizable().thenApply(image -> result.toProto()));
    }
}
