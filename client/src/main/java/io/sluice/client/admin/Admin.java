package io.sluice.client.admin;

import com.google.protobuf.MessageLite;
import com.google.protobuf.Parser;
import io.sluice.client.Cluster;
import io.sluice.client.ListedOffset;
import io.sluice.client.Metadata;
import io.sluice.client.Network;
import io.sluice.client.NetworkClient;
import io.sluice.client.Node;
import io.sluice.client.OffsetLookup;
import io.sluice.client.OffsetSpec;
import io.sluice.protocol.Time;
import io.sluice.protocol.TopicPartition;
import io.sluice.protocol.ErrorCode;
import io.sluice.protocol.Errors;
import io.sluice.protocol.SluiceException;
import io.sluice.protocol.rpc.ApiKey;
import io.sluice.protocol.rpc.MetadataRequest;
import io.sluice.protocol.rpc.MetadataResponse;
import io.sluice.protocol.rpc.TopicMetadata;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * Administers a Sluice cluster: topics, partitions, configs, cluster and quorum description, offsets
 * and leader elections, in the manner of Kafka's {@code Admin}. Every method returns a future; an
 * operation fails with a {@link SluiceException} whose code and message say what went wrong (for a
 * batch, the first failing item's). Requests go to any broker, which forwards controller work; a
 * broker that cannot be reached or is not ready is skipped in favour of another until
 * {@code default.api.timeout.ms}.
 *
 * <p>Thread-safe. Operations run one at a time on the admin's own thread, so futures complete in the
 * order the calls were made.
 */
public final class Admin implements AutoCloseable {
    private static final AtomicInteger IDS = new AtomicInteger();

    private final Network network;
    private final Metadata metadata;
    private final Time time;
    private final int requestTimeoutMs;
    private final int apiTimeoutMs;
    private final long retryBackoffMs;
    private final ExecutorService executor;
    private final OffsetLookup offsets;
    private final GroupOps groups;

    /** Creates an admin client; unknown or invalid properties are refused. */
    public static Admin create(Map<String, ?> props) {
        AdminConfig config = new AdminConfig(props);
        String clientId = config.clientId("admin-" + IDS.incrementAndGet());
        return new Admin(config, new NetworkClient(config, clientId, Time.SYSTEM), Time.SYSTEM);
    }

    Admin(AdminConfig config, Network network, Time time) {
        this.network = network;
        this.time = time;
        this.metadata = new Metadata(config, network, time);
        this.requestTimeoutMs = config.getInt(AdminConfig.REQUEST_TIMEOUT_MS);
        this.apiTimeoutMs = config.getInt(AdminConfig.DEFAULT_API_TIMEOUT_MS);
        this.retryBackoffMs = config.getLong(AdminConfig.RETRY_BACKOFF_MS);
        this.offsets = new OffsetLookup(metadata, network, time, requestTimeoutMs, retryBackoffMs);
        this.groups = new GroupOps(metadata, network, time, requestTimeoutMs, apiTimeoutMs, retryBackoffMs);
        this.executor = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "sluice-admin");
            t.setDaemon(true);
            return t;
        });
    }

    /** Creates topics; fails with TOPIC_ALREADY_EXISTS, INVALID_PARTITIONS, ... for the first refused one. */
    public CompletableFuture<Void> createTopics(Collection<NewTopic> topics) {
        return async(() -> TopicOps.create(this, topics));
    }

    /** Deletes topics; an unknown topic fails with UNKNOWN_TOPIC_OR_PARTITION. */
    public CompletableFuture<Void> deleteTopics(Collection<String> names) {
        return async(() -> TopicOps.delete(this, names));
    }

    /** The names of every topic, sorted. */
    public CompletableFuture<Set<String>> listTopics() {
        return async(() -> {
            MetadataResponse response = call(ApiKey.METADATA, MetadataRequest.newBuilder().setAllTopics(true).build(),
                    MetadataResponse.parser());
            Set<String> names = new TreeSet<>();
            for (TopicMetadata t : response.getTopicsList()) {
                names.add(t.getName());
            }
            return names;
        });
    }

    /** Describes topics; an unknown one fails the whole call with UNKNOWN_TOPIC_OR_PARTITION naming it. */
    public CompletableFuture<Map<String, TopicDescription>> describeTopics(Collection<String> names) {
        return async(() -> TopicOps.describe(this, names));
    }

    /** Grows topics to the given total partition counts; fewer than now fails with INVALID_PARTITIONS. */
    public CompletableFuture<Void> createPartitions(Map<String, Integer> newTotals) {
        return async(() -> TopicOps.createPartitions(this, newTotals));
    }

    /** The configs of each resource, defaults included (see {@link ConfigEntry#source()}). */
    public CompletableFuture<Map<ConfigResource, List<ConfigEntry>>> describeConfigs(Collection<ConfigResource> resources) {
        return async(() -> ConfigOps.describe(this, resources));
    }

    /** Applies incremental changes (set or delete keys) to each resource's configs. */
    public CompletableFuture<Void> incrementalAlterConfigs(Map<ConfigResource, List<AlterConfigOp>> changes) {
        return async(() -> ConfigOps.alter(this, changes));
    }

    /** The cluster id, controller and brokers. */
    public CompletableFuture<ClusterDescription> describeCluster() {
        return async(() -> ClusterOps.describeCluster(this));
    }

    /** Creates ACL bindings (Kafka's CreateAcls); fails with the first binding refused. */
    public CompletableFuture<Void> createAcls(Collection<AclBinding> bindings) {
        return async(() -> SecurityOps.createAcls(this, bindings));
    }

    /** The ACL bindings {@code filter} selects (null fields match anything). */
    public CompletableFuture<List<AclBinding>> describeAcls(AclBinding filter) {
        return async(() -> SecurityOps.describeAcls(this, filter));
    }

    /** Deletes the bindings the filters select and returns them. */
    public CompletableFuture<List<AclBinding>> deleteAcls(Collection<AclBinding> filters) {
        return async(() -> SecurityOps.deleteAcls(this, filters));
    }

    /** The SCRAM credentials (mechanism and iterations, never keys) of {@code users}, or of every user when empty. */
    public CompletableFuture<Map<String, List<ScramCredentialInfo>>> describeUserScramCredentials(Collection<String> users) {
        return async(() -> SecurityOps.describeUsers(this, users));
    }

    /**
     * Sets {@code passwords} (by mechanism, salted here with {@code iterations} per mechanism, 4096 when not
     * given) and deletes the credentials of {@code deletions} for {@code user}, all or nothing.
     */
    public CompletableFuture<Void> alterUserScramCredentials(String user, Map<String, Integer> iterations,
                                                             Map<String, String> passwords, Collection<String> deletions) {
        return async(() -> SecurityOps.alterUser(this, user, iterations, passwords, deletions));
    }

    /** The state of the metadata quorum. */
    public CompletableFuture<QuorumInfo> describeQuorum() {
        return async(() -> ClusterOps.describeQuorum(this));
    }

    /**
     * The log cleaner's progress on {@code broker}'s own replicas of {@code topics} (every compacted
     * topic it holds when empty); topics that are not compacted are left out.
     */
    public CompletableFuture<Map<TopicPartition, CleanerProgress>> describeLogCleaner(Node broker,
            Collection<String> topics) {
        return async(() -> ClusterOps.describeLogCleaner(this, broker, topics));
    }

    /** Looks up offsets (earliest, latest, by timestamp) at the partitions' leaders. */
    public CompletableFuture<Map<TopicPartition, ListedOffset>> listOffsets(Map<TopicPartition, OffsetSpec> specs) {
        return async(() -> {
            Map<TopicPartition, Long> timestamps = new java.util.HashMap<>();
            specs.forEach((tp, spec) -> timestamps.put(tp, spec.timestamp()));
            return offsets.lookup(timestamps, apiTimeoutMs);
        });
    }

    /**
     * Moves leadership back to each partition's preferred (first) replica; an empty collection means
     * every partition that is not led by it. Returns the error of each partition that was refused.
     */
    public CompletableFuture<Map<TopicPartition, ErrorCode>> electLeaders(Collection<TopicPartition> partitions) {
        return async(() -> ClusterOps.electLeaders(this, partitions));
    }

    /**
     * Moves partitions to new replicas (preferred leader first), or with an empty target cancels the
     * partition's running reassignment; with {@code keepReplicationFactor} a target of another size
     * is refused. Returns the error of each partition that was refused (the others were accepted).
     */
    public CompletableFuture<Map<TopicPartition, SluiceException>> alterPartitionReassignments(
            Map<TopicPartition, Optional<List<Integer>>> targets, boolean keepReplicationFactor) {
        return async(() -> ReassignmentOps.alter(this, targets, keepReplicationFactor));
    }

    /** The reassignments in progress among {@code partitions} (empty: all of them). */
    public CompletableFuture<Map<TopicPartition, PartitionReassignment>> listPartitionReassignments(
            Collection<TopicPartition> partitions) {
        return async(() -> ReassignmentOps.list(this, partitions));
    }

    /** Every consumer group of the cluster (each broker lists the groups it coordinates), by id. */
    public CompletableFuture<Map<String, ConsumerGroupListing>> listConsumerGroups() {
        return async(groups::list);
    }

    /** Describes groups at their coordinators; an unknown group fails with GROUP_ID_NOT_FOUND. */
    public CompletableFuture<Map<String, ConsumerGroupDescription>> describeConsumerGroups(Collection<String> groupIds) {
        return async(() -> groups.describe(groupIds));
    }

    /** Deletes groups and their committed offsets; NON_EMPTY_GROUP while a group has members. */
    public CompletableFuture<Void> deleteConsumerGroups(Collection<String> groupIds) {
        return async(() -> {
            groups.delete(groupIds);
            return null;
        });
    }

    /** The committed offsets of a group; empty when it has none. */
    public CompletableFuture<Map<TopicPartition, io.sluice.client.consumer.OffsetAndMetadata>> listConsumerGroupOffsets(
            String groupId) {
        return async(() -> groups.offsets(groupId));
    }

    /** Sets committed offsets of a group without active members; NON_EMPTY_GROUP otherwise. */
    public CompletableFuture<Void> alterConsumerGroupOffsets(String groupId,
            Map<TopicPartition, io.sluice.client.consumer.OffsetAndMetadata> offsets) {
        return async(() -> {
            groups.alterOffsets(groupId, offsets);
            return null;
        });
    }

    @Override
    public void close() {
        executor.shutdownNow();
        network.close();
    }

    private <T> CompletableFuture<T> async(Supplier<T> operation) {
        return CompletableFuture.supplyAsync(operation, executor);
    }

    /** The metadata cache, for the operation helpers. */
    Metadata metadata() {
        return metadata;
    }

    int requestTimeoutMs() {
        return requestTimeoutMs;
    }

    int apiTimeoutMs() {
        return apiTimeoutMs;
    }

    /** Waits until at least one broker is known (bounded, with the clear unreachable-cluster message). */
    Cluster bootstrap() {
        return metadata.await(c -> !c.nodes().isEmpty(), apiTimeoutMs, "the cluster's brokers");
    }

    /**
     * Sends a request to some broker and parses the answer, moving to another broker on network errors
     * and NOT_CONTROLLER until {@code default.api.timeout.ms}. Blocks the admin thread.
     */
    <R> R call(ApiKey api, MessageLite request, Parser<R> parser) {
        bootstrap();
        long deadline = time.monotonicMs() + apiTimeoutMs;
        while (true) {
            Node node = metadata.anyNode();
            try {
                return network.call(node, api, request, parser, requestTimeoutMs).join();
            } catch (RuntimeException e) {
                SluiceException error = asSluiceException(e);
                boolean retriable = error.code() == ErrorCode.NETWORK_EXCEPTION || Errors.isRetriable(error.code());
                if (!retriable || time.monotonicMs() + retryBackoffMs >= deadline) {
                    throw error;
                }
                metadata.requestUpdate();
                pause();
            }
        }
    }

    /** Sends a request to {@code node} itself (no other broker may answer for it); one try. */
    <R> R callNode(Node node, ApiKey api, MessageLite request, Parser<R> parser) {
        try {
            return network.call(node, api, request, parser, requestTimeoutMs).join();
        } catch (RuntimeException e) {
            throw asSluiceException(e);
        }
    }

    private static SluiceException asSluiceException(RuntimeException e) {
        Throwable cause = NetworkClient.unwrap(e);
        return cause instanceof SluiceException s ? s
                : new SluiceException(ErrorCode.UNKNOWN_SERVER_ERROR, String.valueOf(cause.getMessage()), cause);
    }

    private void pause() {
        try {
            Thread.sleep(retryBackoffMs);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SluiceException(ErrorCode.REQUEST_TIMED_OUT, "interrupted");
        }
    }
}
