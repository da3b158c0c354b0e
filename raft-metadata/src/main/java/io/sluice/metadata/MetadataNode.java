package io.sluice.metadata;

import com.google.protobuf.InvalidProtocolBufferException;
import io.sluice.protocol.Time;
import io.sluice.metadata.image.MetadataImage;
import io.sluice.metadata.raft.MetadataNodeConfig;
import io.sluice.metadata.raft.MetadataStateMachine;
import io.sluice.metadata.raft.MetadataStorageException;
import io.sluice.metadata.raft.RaftMetadataServer;
import io.sluice.metadata.raft.RaftStatus;
import io.sluice.metadata.raft.RatisMetric;
import io.sluice.protocol.ErrorCode;
import io.sluice.protocol.metadata.MetadataCommand;
import io.sluice.protocol.metadata.MetadataCommandResult;
import io.sluice.protocol.rpc.DescribeQuorumResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.util.OptionalInt;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeoutException;

/**
 * One member of the metadata quorum: its Raft server and state machine, the latest applied
 * {@link MetadataImage}, the subscribers to image changes, and the {@link QuorumController} that acts
 * for the cluster while this node leads. The broker side of a node talks to the quorum only here.
 *
 * <p>Thread-safe. {@link #image()} is a volatile read; publishers are called on the apply thread.
 */
public final class MetadataNode implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(MetadataNode.class);

    private final MetadataNodeConfig config;
    private final RaftMetadataServer raft;
    private final MetadataStateMachine stateMachine;
    private final Publishers publishers;
    private final ScheduledExecutorService scheduler;
    private final QuorumController controller;

    private MetadataNode(MetadataNodeConfig config, RaftMetadataServer raft, Publishers publishers, Time time) {
        this.config = config;
        this.raft = raft;
        this.stateMachine = raft.stateMachine();
        this.publishers = publishers;
        this.scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread thread = new Thread(r, "sluice-controller-" + config.nodeId());
            thread.setDaemon(true);
            return thread;
        });
        this.controller = new QuorumController(new NodeQuorum(), time, scheduler, config.brokerSessionTimeoutMs());
    }

    /**
     * Starts a node: formats an empty metadata directory (writing meta.properties), or checks that the
     * directory is this node's and this cluster's, then restores from the latest snapshot plus the log.
     *
     * @throws MetadataStorageException the directory belongs to another cluster or node, or holds a
     *                                  corrupt snapshot; the message says what to do
     */
    public static MetadataNode start(MetadataNodeConfig config) throws IOException {
        return start(config, Time.SYSTEM);
    }

    /**
     * As {@link #start(MetadataNodeConfig)}, with the clock the controller's liveness checks use
     * (tests pass a fake one to fence brokers without waiting).
     */
    public static MetadataNode start(MetadataNodeConfig config, Time time) throws IOException {
        // Checked before anything is written, so a refused start leaves the directory untouched.
        RaftMetadataServer.checkAddressFree(config.raftAddress());
        MetaProperties.formatOrCheck(config.dataDir(), config.clusterId(), config.nodeId());
        Publishers publishers = new Publishers();
        MetadataStateMachine stateMachine = new MetadataStateMachine(publishers::publish);
        RaftMetadataServer raft;
        try {
            raft = RaftMetadataServer.start(config, config.dataDir().resolve("raft"), stateMachine);
        } catch (IOException | RuntimeException e) {
            for (Throwable t = e; t != null; t = t.getCause()) {
                if (t instanceof MetadataStorageException storage) {
                    throw new MetadataStorageException(storage.getMessage(), e);
                }
            }
            throw e;
        }
        MetadataNode node = new MetadataNode(config, raft, publishers, time);
        node.controller.start();
        return node;
    }

    public int nodeId() {
        return config.nodeId();
    }

    public String clusterId() {
        return config.clusterId();
    }

    /** The latest applied image; never blocks. */
    public MetadataImage image() {
        return stateMachine.image();
    }

    /**
     * Subscribes to image changes: the publisher first gets the current image (with a delta from the
     * empty image), then every later one, on the apply thread.
     */
    public void subscribe(MetadataPublisher publisher) {
        publishers.subscribe(publisher);
    }

    /**
     * Proposes a command through the leader (following redirects and elections). A request id and
     * timestamp are filled in when missing. Always completes normally: when the quorum cannot be
     * reached in time the result is REQUEST_TIMED_OUT, and the command may or may not have been
     * applied, so a retry must reuse the same request id.
     */
    public CompletableFuture<CommandResult> submit(MetadataCommand command) {
        MetadataCommand.Builder builder = command.toBuilder();
        if (builder.getRequestId().isEmpty()) {
            builder.setRequestId(UUID.randomUUID().toString());
        }
        if (builder.getTimestampMs() == 0) {
            builder.setTimestampMs(System.currentTimeMillis());
        }
        MetadataCommand full = builder.build();
        CompletableFuture<byte[]> reply;
        try {
            reply = raft.submit(full.toByteArray());
        } catch (RuntimeException e) {
            // A closed client throws instead of failing the future; callers get a result either way.
            reply = CompletableFuture.failedFuture(e);
        }
        return reply.handle((bytes, error) -> {
            if (error != null) {
                return failure(full, error);
            }
            try {
                return CommandResult.of(MetadataCommandResult.parseFrom(bytes));
            } catch (InvalidProtocolBufferException e) {
                return CommandResult.error(ErrorCode.UNKNOWN_SERVER_ERROR, "Unreadable reply from the quorum: " + e);
            }
        });
    }

    private CommandResult failure(MetadataCommand command, Throwable error) {
        Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
        LOG.debug("Metadata command {} failed", command.getRequestId(), cause);
        String outcome = "; it may or may not have been applied, so retry with the same request id ("
                + command.getRequestId() + ").";
        if (cause instanceof TimeoutException) {
            return CommandResult.error(ErrorCode.REQUEST_TIMED_OUT, "The metadata quorum did not answer within "
                    + config.requestTimeout().toMillis() + " ms (no leader, or no majority)" + outcome);
        }
        return CommandResult.error(ErrorCode.REQUEST_TIMED_OUT, "The metadata quorum could not be reached: "
                + cause + outcome);
    }

    /**
     * An image that reflects every command acknowledged before this call: a ReadIndex round through the
     * leader, then a wait until this node has applied that far.
     */
    public CompletableFuture<MetadataImage> readLinearizable() {
        return raft.readIndex().thenCompose(stateMachine::awaitApplied).thenApply(v -> stateMachine.image());
    }

    public boolean isLeader() {
        return raft.isLeader();
    }

    public OptionalInt leaderId() {
        return raft.leaderId();
    }

    /** The current Raft term (the leader epoch, in Kafka's words). */
    public long leaderTerm() {
        return raft.currentTerm();
    }

    public long appliedIndex() {
        return stateMachine.appliedIndex();
    }

    /** The first Raft index still in this node's log; everything before it lives only in snapshots. */
    public long logStartIndex() {
        return raft.logStartIndex();
    }

    /**
     * How many times this node fell behind the leader's purged log and caught up from a snapshot the
     * leader sent (since it started).
     */
    public long snapshotsInstalledFromLeader() {
        return stateMachine.snapshotsInstalled();
    }

    /** The Raft group as this node sees it now: term, leader, commit and applied index, followers. */
    public RaftStatus raftStatus() {
        return raft.status();
    }

    /** Ratis' own measurements of this node's Raft member, for the metrics endpoint. */
    public java.util.List<RatisMetric> ratisMetrics() {
        return raft.ratisMetrics();
    }

    /**
     * Whether this node only follows the metadata log (a broker-only node) in the configuration it
     * knows now: a broker-only node promoted to voter is no longer one, a demoted voter is.
     */
    public boolean isObserver() {
        return !raft.voters().containsKey(config.nodeId());
    }

    /** The voters of the Raft configuration this node knows: node id to Raft address. */
    public java.util.Map<Integer, String> voters() {
        return raft.voters();
    }

    /** See {@link RaftMetadataServer#promoteListener}: broker-only member {@code nodeId} becomes a voter. */
    public void promoteObserver(int nodeId) throws IOException {
        raft.promoteListener(nodeId);
    }

    /** See {@link RaftMetadataServer#demoteVoter}: voter {@code nodeId} becomes a broker-only member. */
    public void demoteVoter(int nodeId, int successor) throws IOException {
        raft.demoteVoter(nodeId, successor);
    }

    /** The Raft address of member {@code nodeId} (voter or broker-only), or null if it is none. */
    public String raftAddress(int nodeId) {
        return raft.memberAddress(nodeId);
    }

    /** The broker-only nodes (Raft listeners) in the configuration this node knows. */
    public java.util.List<Integer> observers() {
        return raft.listeners();
    }

    /**
     * Takes broker-only node {@code nodeId} out of the Raft configuration, so the leader stops
     * replicating the metadata log to it. Its registration is a separate matter (unregister).
     *
     * @throws IllegalArgumentException it is not a broker-only member
     */
    public void removeObserver(int nodeId) throws IOException {
        raft.removeListener(nodeId);
    }

    public DescribeQuorumResponse describeQuorum() {
        return raft.describeQuorum(config.clusterId());
    }

    public QuorumController controller() {
        return controller;
    }

    /** Takes a snapshot of this node's state now (the log before it becomes purgeable). */
    public void takeSnapshot() throws IOException {
        long index = raft.takeSnapshot();
        LOG.info("Metadata node {} took a snapshot at index {}", config.nodeId(), index);
    }

    @Override
    public void close() {
        controller.close();
        scheduler.shutdownNow();
        publishers.unsubscribeAll();
        raft.close();
    }

    /** The controller's view of this node. */
    private final class NodeQuorum implements QuorumController.Quorum {
        @Override
        public boolean isLeader() {
            return MetadataNode.this.isLeader();
        }

        @Override
        public OptionalInt leaderId() {
            return MetadataNode.this.leaderId();
        }

        @Override
        public long leaderTerm() {
            return MetadataNode.this.leaderTerm();
        }

        @Override
        public MetadataImage image() {
            return MetadataNode.this.image();
        }

        @Override
        public String clusterId() {
            return config.clusterId();
        }

        @Override
        public CompletableFuture<CommandResult> submit(MetadataCommand command) {
            return MetadataNode.this.submit(command);
        }
    }
}
