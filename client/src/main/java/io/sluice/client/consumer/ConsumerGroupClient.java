package io.sluice.client.consumer;

import io.sluice.client.Metadata;
import io.sluice.client.Network;
import io.sluice.protocol.Time;
import io.sluice.protocol.TopicPartition;
import io.sluice.client.consumer.internals.CoordinatorLookup;
import io.sluice.client.consumer.internals.GroupSettings;
import io.sluice.client.consumer.internals.PartitionsView;
import io.sluice.protocol.SluiceException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a consumer with a {@code group.id} does beyond reading: subscribe, apply the coordinator's
 * assignment (revoke and commit first, then assign and start from the committed offsets), drop every
 * partition uncommitted when the group fenced this member, auto-commit, commit on request, leave on
 * close. The consumer calls {@link #poll} at the start of each of its polls; everything here, listener
 * and commit callbacks included, runs on the consumer's thread, except the heartbeats of
 * {@link GroupMembership}.
 *
 * <p>Not thread-safe, like the consumer that owns it.
 */
public final class ConsumerGroupClient implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ConsumerGroupClient.class);

    private final GroupSettings settings;
    private final Metadata metadata;
    private final Time time;
    private final PartitionsView partitions;
    private final GroupMembership membership;
    private final OffsetCommitter committer;
    private final ConcurrentLinkedQueue<Runnable> completedCallbacks = new ConcurrentLinkedQueue<>();
    private final Set<TopicPartition> needCommittedPosition = new TreeSet<>(PartitionsView.ORDER);
    private ConsumerRebalanceListener listener = ConsumerRebalanceListener.NONE;
    private long nextAutoCommitMs;
    /** The membership's incarnation the partitions held now were assigned in (see {@link #loseIfFenced}). */
    private volatile int incarnation;

    public ConsumerGroupClient(GroupSettings settings, Metadata metadata, Network network, Time time,
                               PartitionsView partitions, String clientId) {
        this.settings = settings;
        this.metadata = metadata;
        this.time = time;
        this.partitions = partitions;
        CoordinatorLookup coordinator = new CoordinatorLookup(settings.groupId(), metadata, network, time,
                settings.requestTimeoutMs(), settings.retryBackoffMs());
        this.membership = new GroupMembership(settings, coordinator, network, time, clientId);
        this.committer = new OffsetCommitter(settings.groupId(), coordinator, network, time,
                settings.requestTimeoutMs(), settings.retryBackoffMs(), () -> membership.metadataToCommit(incarnation));
    }

    public void subscribe(Collection<String> topics, ConsumerRebalanceListener listener) {
        this.listener = listener == null ? ConsumerRebalanceListener.NONE : listener;
        metadata.addTopics(topics);
        membership.subscribe(List.copyOf(new TreeSet<>(topics)), "");
        nextAutoCommitMs = time.monotonicMs() + settings.autoCommitIntervalMs();
    }

    public void subscribe(Pattern pattern, ConsumerRebalanceListener listener) {
        this.listener = listener == null ? ConsumerRebalanceListener.NONE : listener;
        metadata.setAllTopics(true);
        membership.subscribe(List.of(), pattern.pattern());
        nextAutoCommitMs = time.monotonicMs() + settings.autoCommitIntervalMs();
    }

    /** Whether poll should drive the group: a member, or one whose membership ended with an error not yet thrown. */
    public boolean isSubscribed() {
        return membership.isActive() || membership.hasFatal();
    }

    /**
     * Applies a new assignment if one arrived, sets positions of new partitions from their committed
     * offsets, auto-commits when due, and runs finished commit callbacks. Partitions without a committed
     * offset keep no position: the consumer resolves them with {@code auto.offset.reset}.
     */
    public void poll(long timeoutMs) {
        loseIfFenced();
        Set<TopicPartition> assignment = membership.takeAssignment();
        if (assignment != null) {
            reconcile(assignment, timeoutMs);
        }
        initializePositions(timeoutMs);
        maybeAutoCommit();
        runCallbacks();
    }

    /**
     * After the coordinator fenced this member, drops every partition without committing (another member
     * may own it and have committed further), so whatever comes back starts from its committed offset.
     */
    private void loseIfFenced() {
        int now = membership.incarnation();
        if (now == incarnation) {
            return;
        }
        incarnation = now;
        List<TopicPartition> lost = List.copyOf(partitions.assignment());
        partitions.assign(List.of());
        needCommittedPosition.clear();
        if (!lost.isEmpty()) {
            log.info("Group {}: lost {} (this member was fenced)", settings.groupId(), lost);
            listener.onPartitionsLost(lost);
        }
    }

    private void reconcile(Set<TopicPartition> target, long timeoutMs) {
        Set<TopicPartition> current = new TreeSet<>(PartitionsView.ORDER);
        current.addAll(partitions.assignment());
        List<TopicPartition> revoked = current.stream().filter(tp -> !target.contains(tp)).toList();
        List<TopicPartition> added = target.stream().filter(tp -> !current.contains(tp)).sorted(PartitionsView.ORDER).toList();
        try {
            if (!revoked.isEmpty()) {
                if (settings.autoCommit()) {
                    commitQuietly(consumedOffsets(revoked), timeoutMs);
                }
                listener.onPartitionsRevoked(revoked);
            }
        } finally {
            // Released even when the listener failed: the coordinator must be able to hand them on.
            Set<TopicPartition> kept = new TreeSet<>(PartitionsView.ORDER);
            kept.addAll(current);
            revoked.forEach(kept::remove);
            kept.addAll(added);
            partitions.assign(kept);
            needCommittedPosition.addAll(added);
            needCommittedPosition.retainAll(kept);
            membership.owned(kept, incarnation);
        }
        log.info("Group {}: revoked {}, assigned {}", settings.groupId(), revoked, added);
        if (!added.isEmpty()) {
            initializePositions(timeoutMs);
            listener.onPartitionsAssigned(added);
        }
    }

    private void initializePositions(long timeoutMs) {
        needCommittedPosition.retainAll(partitions.assignment());
        if (needCommittedPosition.isEmpty()) {
            return;
        }
        Map<TopicPartition, OffsetAndMetadata> committed = committer.committed(needCommittedPosition, timeoutMs);
        for (TopicPartition tp : needCommittedPosition) {
            OffsetAndMetadata c = committed.get(tp);
            if (c != null && partitions.position(tp) == null) {
                partitions.seek(tp, c.offset());
            }
        }
        needCommittedPosition.clear();
    }

    /** The positions of the given partitions (those that have one), as offsets to commit. */
    private Map<TopicPartition, OffsetAndMetadata> consumedOffsets(Collection<TopicPartition> of) {
        Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
        for (TopicPartition tp : of) {
            Long position = partitions.assignment().contains(tp) ? partitions.position(tp) : null;
            if (position != null) {
                offsets.put(tp, new OffsetAndMetadata(position));
            }
        }
        return offsets;
    }

    private void commitQuietly(Map<TopicPartition, OffsetAndMetadata> offsets, long timeoutMs) {
        try {
            committer.commitSync(offsets, timeoutMs);
        } catch (SluiceException e) {
            log.warn("Group {}: committing {} before giving them up failed: {}", settings.groupId(),
                    offsets.keySet(), e.getMessage());
        }
    }

    private void maybeAutoCommit() {
        long now = time.monotonicMs();
        if (!settings.autoCommit() || now < nextAutoCommitMs) {
            return;
        }
        nextAutoCommitMs = now + settings.autoCommitIntervalMs();
        Map<TopicPartition, OffsetAndMetadata> offsets = consumedOffsets(partitions.assignment());
        commitAsync(offsets, (o, e) -> {
            if (e != null) {
                log.debug("Group {}: auto-commit failed: {}", settings.groupId(), e.getMessage());
            }
        });
    }

    /** Commits the positions of every owned partition (null) or the given offsets, and waits. */
    public void commitSync(Map<TopicPartition, OffsetAndMetadata> offsets, long timeoutMs) {
        committer.commitSync(offsets == null ? consumedOffsets(partitions.assignment()) : offsets, timeoutMs);
    }

    /** Commits without waiting; {@code callback} runs on the consumer's thread in a later poll. */
    public void commitAsync(Map<TopicPartition, OffsetAndMetadata> offsets, OffsetCommitCallback callback) {
        Map<TopicPartition, OffsetAndMetadata> toCommit = offsets == null ? consumedOffsets(partitions.assignment())
                : Map.copyOf(offsets);
        committer.commitAsync(toCommit).whenComplete((v, error) -> {
            if (callback != null) {
                Exception e = error == null ? null
                        : error.getCause() instanceof Exception cause ? cause : new RuntimeException(error);
                completedCallbacks.add(() -> callback.onComplete(toCommit, e));
            }
        });
    }

    public Map<TopicPartition, OffsetAndMetadata> committed(Set<TopicPartition> of, long timeoutMs) {
        return committer.committed(of, timeoutMs);
    }

    /** Asks the coordinator for a new target now (the member rejoins; sticky assignors move little). */
    public void enforceRebalance() {
        membership.rejoin();
    }

    public ConsumerGroupMetadata groupMetadata() {
        return membership.metadata();
    }

    /** Revokes everything (committing first with auto-commit) and leaves the group. */
    public void unsubscribe(long timeoutMs) {
        if (!membership.isActive()) {
            return;
        }
        List<TopicPartition> owned = List.copyOf(partitions.assignment());
        try {
            if (settings.autoCommit()) {
                commitQuietly(consumedOffsets(owned), timeoutMs);
            }
            if (!owned.isEmpty()) {
                listener.onPartitionsRevoked(owned);
            }
        } finally {
            partitions.assign(List.of());
            needCommittedPosition.clear();
            membership.leave(timeoutMs);
            runCallbacks();
        }
    }

    private void runCallbacks() {
        Runnable r;
        while ((r = completedCallbacks.poll()) != null) {
            r.run();
        }
    }

    /** Leaves the group (after the final auto-commit) and stops heartbeating. */
    @Override
    public void close() {
        try {
            unsubscribe(settings.requestTimeoutMs());
        } finally {
            membership.close();
        }
    }
}
