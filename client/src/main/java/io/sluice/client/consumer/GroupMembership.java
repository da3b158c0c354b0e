package io.sluice.client.consumer;

import io.sluice.client.Network;
import io.sluice.client.NetworkClient;
import io.sluice.client.Node;
import io.sluice.protocol.Time;
import io.sluice.protocol.TopicPartition;
import io.sluice.client.consumer.internals.CoordinatorLookup;
import io.sluice.client.consumer.internals.GroupSettings;
import io.sluice.client.consumer.internals.PartitionsView;
import io.sluice.protocol.ErrorCode;
import io.sluice.protocol.Errors;
import io.sluice.protocol.SluiceException;
import io.sluice.protocol.rpc.ApiKey;
import io.sluice.protocol.rpc.ConsumerGroupHeartbeatRequest;
import io.sluice.protocol.rpc.ConsumerGroupHeartbeatResponse;
import io.sluice.protocol.rpc.TopicPartitions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CompletionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * This consumer's membership of its group: a background thread heartbeats to the coordinator (so a
 * long stretch of record processing does not end the session), reports the partitions the consumer
 * owns, and stores the assignment the coordinator answers. The consumer's thread takes that assignment
 * with {@link #takeAssignment}, reconciles (revoke, commit, assign) and reports the result with
 * {@link #owned}, which triggers the next heartbeat at once: that heartbeat is what lets the coordinator
 * hand released partitions to their next owner.
 *
 * <p>Thread-safe: state is guarded by this object's monitor; network calls happen outside it.
 */
public final class GroupMembership implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(GroupMembership.class);
    /** The longest wait before asking again while the coordinator says more partitions are coming. */
    private static final long PENDING_RECHECK_MS = 200;

    private final GroupSettings settings;
    private final CoordinatorLookup coordinator;
    private final Network network;
    private final Time time;
    private final Thread thread;

    private List<String> topics = List.of();
    private String regex = "";
    private boolean active;
    private String memberId = "";
    private int memberEpoch;
    private Set<TopicPartition> owned = Set.of();
    /** How many times the coordinator fenced this member; each time it lost every partition it owned. */
    private int incarnation;
    private Set<TopicPartition> assignment;
    private boolean assignmentTaken = true;
    private long intervalMs;
    private long nextHeartbeatMs;
    private RuntimeException fatal;
    private boolean closed;

    public GroupMembership(GroupSettings settings, CoordinatorLookup coordinator, Network network, Time time,
                           String clientId) {
        this.settings = settings;
        this.coordinator = coordinator;
        this.network = network;
        this.time = time;
        this.intervalMs = settings.heartbeatIntervalMs();
        this.thread = new Thread(this::run, "sluice-heartbeat-" + clientId);
        this.thread.setDaemon(true);
        this.thread.start();
    }

    /** Joins (or changes the subscription): by topic names, or by a pattern when {@code regex} is not empty. */
    public synchronized void subscribe(List<String> topicNames, String pattern) {
        this.topics = List.copyOf(topicNames);
        this.regex = pattern;
        this.active = true;
        this.fatal = null;
        wakeNow();
    }

    /**
     * The assignment received since the last call, or null when nothing changed. Throws the error that
     * ended membership for good (a bad group id or session timeout, a fenced static member).
     */
    public synchronized Set<TopicPartition> takeAssignment() {
        if (fatal != null) {
            RuntimeException e = fatal;
            fatal = null;
            throw e;
        }
        if (assignmentTaken || assignment == null) {
            return null;
        }
        assignmentTaken = true;
        return assignment;
    }

    /**
     * What the consumer owns now, after reconciling an assignment of {@code incarnation}; reported in a
     * heartbeat sent at once. Ignored when the member was fenced since: it owns nothing then, and the
     * consumer drops those partitions at its next poll.
     */
    public synchronized void owned(Set<TopicPartition> partitions, int incarnation) {
        if (incarnation != this.incarnation) {
            return;
        }
        owned = Set.copyOf(partitions);
        wakeNow();
    }

    /** Counts the fences: the consumer compares it with the one its partitions belong to. */
    public synchronized int incarnation() {
        return incarnation;
    }

    /** Rejoins with the same member id: the coordinator computes a new target (sticky: little moves). */
    public synchronized void rejoin() {
        memberEpoch = 0;
        wakeNow();
    }

    public synchronized ConsumerGroupMetadata metadata() {
        return new ConsumerGroupMetadata(settings.groupId(), memberId.isEmpty() ? -1 : memberEpoch, memberId,
                settings.instanceId());
    }

    /**
     * The identity to commit offsets of partitions owned in {@code incarnation} with; a
     * {@link CommitFailedException} when the member was fenced since, because a commit under its new
     * identity could move offsets of partitions another member has read past meanwhile.
     */
    public synchronized ConsumerGroupMetadata metadataToCommit(int incarnation) {
        if (incarnation != this.incarnation) {
            throw new CommitFailedException(settings.groupId());
        }
        return metadata();
    }

    public synchronized boolean isActive() {
        return active;
    }

    /** Whether membership ended with an error that {@link #takeAssignment} has not thrown yet. */
    public synchronized boolean hasFatal() {
        return fatal != null;
    }

    /**
     * Leaves the group (a static member only for a restart: it keeps its partitions until its session
     * ends) and stops heartbeating until the next subscribe. Waits up to {@code timeoutMs} for the answer.
     */
    public void leave(long timeoutMs) {
        ConsumerGroupHeartbeatRequest request;
        synchronized (this) {
            if (!active) {
                return;
            }
            active = false;
            assignment = null;
            assignmentTaken = true;
            owned = Set.of();
            if (memberId.isEmpty()) {
                return;
            }
            int epoch = settings.instanceId().isEmpty() ? -1 : -2;
            request = ConsumerGroupHeartbeatRequest.newBuilder().setGroupId(settings.groupId()).setMemberId(memberId)
                    .setMemberEpoch(epoch).setInstanceId(settings.instanceId()).build();
            memberEpoch = 0;
            if (settings.instanceId().isEmpty()) {
                memberId = "";
            }
        }
        try {
            Node node = coordinator.coordinator(timeoutMs);
            network.call(node, ApiKey.GROUP_HEARTBEAT, request, ConsumerGroupHeartbeatResponse.parser(), timeoutMs).join();
        } catch (RuntimeException e) {
            log.info("Leaving group {} was not confirmed ({}); the coordinator will drop this member after its "
                    + "session timeout", settings.groupId(), e.getMessage());
        }
    }

    private void wakeNow() {
        nextHeartbeatMs = 0;
        notifyAll();
    }

    private void run() {
        while (true) {
            ConsumerGroupHeartbeatRequest request;
            synchronized (this) {
                long now = time.monotonicMs();
                while (!closed && (!active || now < nextHeartbeatMs)) {
                    waitQuietly(active ? nextHeartbeatMs - now : 1_000);
                    now = time.monotonicMs();
                }
                if (closed) {
                    return;
                }
                request = request();
                nextHeartbeatMs = now + intervalMs;
            }
            heartbeat(request);
        }
    }

    private ConsumerGroupHeartbeatRequest request() {
        Map<String, List<Integer>> byTopic = new TreeMap<>();
        owned.stream().sorted(PartitionsView.ORDER).forEach(tp -> byTopic.computeIfAbsent(tp.topic(), t -> new ArrayList<>()).add(tp.partition()));
        ConsumerGroupHeartbeatRequest.Builder b = ConsumerGroupHeartbeatRequest.newBuilder()
                .setGroupId(settings.groupId()).setMemberId(memberId).setMemberEpoch(memberEpoch)
                .setInstanceId(settings.instanceId()).setSessionTimeoutMs(settings.sessionTimeoutMs())
                .setRebalanceTimeoutMs(settings.rebalanceTimeoutMs()).addAllSubscribedTopics(topics)
                .setSubscribedTopicRegex(regex).setServerAssignor(settings.assignor());
        byTopic.forEach((t, ps) -> b.addOwnedPartitions(TopicPartitions.newBuilder().setTopic(t).addAllPartitions(ps)));
        return b.build();
    }

    private void heartbeat(ConsumerGroupHeartbeatRequest request) {
        Node node = null;
        try {
            node = coordinator.coordinator(settings.requestTimeoutMs());
            ConsumerGroupHeartbeatResponse response = network.call(node, ApiKey.GROUP_HEARTBEAT, request,
                    ConsumerGroupHeartbeatResponse.parser(), settings.requestTimeoutMs()).join();
            handle(node, request, response);
        } catch (CompletionException | SluiceException e) {
            Throwable cause = e instanceof CompletionException ? NetworkClient.unwrap(e) : e;
            if (cause instanceof SluiceException denied && Errors.isAccessDenied(denied.code())) {
                synchronized (this) {
                    fatal = new SluiceException(denied.code(), "group '" + settings.groupId() + "': "
                            + denied.getMessage());
                    active = false;
                }
                return;
            }
            log.debug("Heartbeat of group {} failed: {}", settings.groupId(), cause.getMessage());
            coordinator.invalidate(node);
            retrySoon();
        }
    }

    private synchronized void handle(Node node, ConsumerGroupHeartbeatRequest sent, ConsumerGroupHeartbeatResponse r) {
        if (!active || sent.getMemberEpoch() != memberEpoch || !sent.getMemberId().equals(memberId)) {
            return; // left, or rejoined, while this heartbeat was out: its answer is stale
        }
        ErrorCode error = r.getError();
        if (error == ErrorCode.NONE) {
            memberId = r.getMemberId();
            memberEpoch = r.getMemberEpoch();
            intervalMs = Math.max(10, Math.min(settings.heartbeatIntervalMs(), r.getHeartbeatIntervalMs()));
            Set<TopicPartition> received = new TreeSet<>(PartitionsView.ORDER);
            r.getAssignmentList().forEach(t -> t.getPartitionsList().forEach(p -> received.add(new TopicPartition(t.getTopic(), p))));
            if (received.equals(owned)) {
                assignment = received;
                assignmentTaken = true; // nothing to reconcile, and an older untaken change is moot
            } else if (!received.equals(assignment)) {
                assignment = received;
                assignmentTaken = false;
            }
            if (r.getAssignmentPending()) {
                nextHeartbeatMs = Math.min(nextHeartbeatMs, time.monotonicMs() + Math.min(intervalMs, PENDING_RECHECK_MS));
            }
        } else if (CoordinatorLookup.isCoordinatorError(error)) {
            coordinator.invalidate(node);
            retrySoon();
        } else if (error == ErrorCode.UNKNOWN_MEMBER_ID || error == ErrorCode.ILLEGAL_GENERATION) {
            // Removed or fenced: its partitions may have gone to other members, who may have read and committed
            // past this consumer's positions. It loses them all (the consumer drops them at its next poll, and
            // starts again from the committed offsets whatever it gets back) and joins again owning nothing.
            log.info("Member {} of group {} was fenced and lost its partitions {}; rejoining: {}", memberId,
                    settings.groupId(), owned, r.getErrorMessage());
            incarnation++;
            owned = Set.of();
            assignment = null;
            assignmentTaken = true;
            memberEpoch = 0;
            if (error == ErrorCode.UNKNOWN_MEMBER_ID && settings.instanceId().isEmpty()) {
                memberId = "";
            }
            wakeNow();
        } else if (Errors.isRetriable(error)) {
            retrySoon();
        } else {
            fatal = new SluiceException(error, "group '" + settings.groupId() + "': "
                    + Errors.describe(error, r.getErrorMessage()));
            active = false;
        }
    }

    private synchronized void retrySoon() {
        nextHeartbeatMs = time.monotonicMs() + settings.retryBackoffMs();
    }

    private void waitQuietly(long ms) {
        try {
            wait(Math.max(1, ms));
        } catch (InterruptedException e) {
            closed = true;
        }
    }

    @Override
    public void close() {
        synchronized (this) {
            closed = true;
            notifyAll();
        }
        try {
            thread.join(settings.requestTimeoutMs() + 1_000L);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
