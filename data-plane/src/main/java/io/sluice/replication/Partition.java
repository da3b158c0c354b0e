package io.sluice.replication;

import io.sluice.metadata.image.PartitionRegistration;
import io.sluice.protocol.ErrorCode;
import io.sluice.storage.EpochEndOffset;
import io.sluice.storage.LogAppendResult;
import io.sluice.storage.PartitionLog;
import io.sluice.protocol.TopicPartition;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import io.sluice.protocol.Time;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * One partition replica on this broker, as leader or follower of the current leader epoch.
 *
 * <p>As leader it appends producers' batches, tracks each follower's fetch offset, and keeps the high
 * watermark at the smallest offset that every ISR member holds durably (its own durable end offset
 * and the followers' fetch offsets). It asks for ISR changes, but the ISR only changes when the
 * metadata quorum applies them ({@link #applyRegistration}); until then the old, larger ISR holds the
 * high watermark back, which is the safe direction.
 *
 * <p>Thread-safety: leadership changes take the write lock; appends and fetch-state updates the read
 * lock plus the monitor for the follower map and high watermark, so appends to different partitions
 * never contend and an append never races a leadership change.
 */
public final class Partition {
    private final TopicPartition tp;
    private final int localBrokerId;
    private final PartitionLog log;
    private final Time clock;
    private final PartitionListener listener;
    private final ReentrantReadWriteLock leaderIsrLock = new ReentrantReadWriteLock();
    private final PartitionCounters counters = new PartitionCounters();

    private volatile PartitionRegistration registration;
    private volatile boolean leader;
    private long leaderEpochStartOffset;
    private final Map<Integer, FollowerState> followers = new HashMap<>();
    private List<Integer> requestedIsr;
    private int requestedAtPartitionEpoch = -1;

    Partition(TopicPartition tp, int localBrokerId, PartitionLog log, Time clock, PartitionListener listener) {
        this.tp = tp;
        this.localBrokerId = localBrokerId;
        this.log = log;
        this.clock = clock;
        this.listener = listener;
    }

    public TopicPartition topicPartition() {
        return tp;
    }

    public PartitionLog log() {
        return log;
    }

    /** This replica's traffic, for the metrics endpoint. */
    public PartitionCounters counters() {
        return counters;
    }

    public boolean isLeader() {
        return leader;
    }

    public int leaderId() {
        PartitionRegistration r = registration;
        return r == null ? -1 : r.leader();
    }

    public int leaderEpoch() {
        PartitionRegistration r = registration;
        return r == null ? -1 : r.leaderEpoch();
    }

    /** The replication factor: during a reassignment, that of the original replicas (as Kafka counts it). */
    public int replicaCount() {
        PartitionRegistration r = registration;
        return r == null ? 0 : r.originalReplicas().size();
    }

    public List<Integer> isr() {
        PartitionRegistration r = registration;
        return r == null ? List.of() : r.isr();
    }

    public long highWatermark() {
        return log.highWatermark();
    }

    /** What changed for this replica when a new registration was applied. */
    enum Transition { NONE, BECAME_LEADER, BECAME_FOLLOWER, FOLLOWER_OF_NEW_EPOCH, ISR_CHANGED }

    /** Adopts the quorum's view of this partition: leader, epoch, ISR. */
    Transition applyRegistration(PartitionRegistration next) {
        leaderIsrLock.writeLock().lock();
        try {
            PartitionRegistration prev = registration;
            registration = next;
            if (prev == null || prev.partitionEpoch() != next.partitionEpoch()) {
                // Answered (or overtaken): the quorum refuses a request naming an older partition epoch.
                // An image that leaves this partition as it was answers nothing: the request may still
                // be applied, so the replica it adds must keep holding the high watermark back.
                synchronized (this) {
                    requestedIsr = null;
                }
            }
            boolean nowLeader = next.leader() == localBrokerId;
            boolean newEpoch = prev == null || prev.leaderEpoch() != next.leaderEpoch();
            if (nowLeader && (!leader || newEpoch)) {
                becomeLeader(next);
                return Transition.BECAME_LEADER;
            }
            if (!nowLeader) {
                boolean wasLeader = leader;
                leader = false;
                synchronized (this) {
                    followers.clear();
                }
                if (wasLeader) {
                    return Transition.BECAME_FOLLOWER;
                }
                return newEpoch ? Transition.FOLLOWER_OF_NEW_EPOCH : Transition.NONE;
            }
            // Still the leader of the same epoch: a reassignment may have added replicas (a removal
            // starts a new epoch), which must be tracked from their first fetch; the ISR may have
            // changed, which can move the HW.
            if (!prev.replicas().equals(next.replicas())) {
                trackFollowers(next.replicas());
            }
            maybeIncrementHighWatermark();
            return prev.isr().equals(next.isr()) ? Transition.NONE : Transition.ISR_CHANGED;
        } finally {
            leaderIsrLock.writeLock().unlock();
        }
    }

    private void becomeLeader(PartitionRegistration r) {
        long now = clock.milliseconds();
        long epochStart;
        try {
            // As Kafka's makeLeader: the epoch starts here now, not at the first append. Until then a
            // follower that was the previous epoch's leader would get UNDEFINED for its last epoch and
            // truncate everything, and a follower's epoch could not be checked against ours.
            epochStart = log.assignEpochAtEnd(r.leaderEpoch());
        } catch (IOException e) {
            throw new UncheckedIOException("recording leader epoch " + r.leaderEpoch() + " of " + tp, e);
        }
        synchronized (this) {
            followers.clear();
            for (int replica : r.replicas()) {
                if (replica != localBrokerId) {
                    followers.put(replica, FollowerState.unknown(now));
                }
            }
            leaderEpochStartOffset = epochStart;
        }
        leader = true;
        maybeIncrementHighWatermark();
    }

    /** Leader only: follows exactly the other replicas of {@code replicas}, keeping what is known of each. */
    private synchronized void trackFollowers(List<Integer> replicas) {
        long now = clock.milliseconds();
        followers.keySet().retainAll(replicas);
        for (int replica : replicas) {
            if (replica != localBrokerId) {
                followers.putIfAbsent(replica, FollowerState.unknown(now));
            }
        }
    }

    /**
     * Appends a producer's batches if this replica leads and, for acks=all, the ISR is at least
     * {@code minInsyncReplicas}; otherwise answers with the error and writes nothing.
     */
    public LogAppendResult appendAsLeader(ByteBuffer batches, int requiredAcks, int minInsyncReplicas)
            throws IOException {
        leaderIsrLock.readLock().lock();
        try {
            PartitionRegistration r = registration;
            if (!leader || r == null) {
                return failure(ErrorCode.NOT_LEADER_OR_FOLLOWER, "broker " + localBrokerId + " does not lead " + tp
                        + (r != null && r.leader() >= 0 ? "; broker " + r.leader() + " does" : ""));
            }
            if (requiredAcks == -1 && r.isr().size() < minInsyncReplicas) {
                return failure(ErrorCode.NOT_ENOUGH_REPLICAS, tp + " has " + r.isr().size()
                        + " in-sync replicas " + r.isr() + ", fewer than min.insync.replicas=" + minInsyncReplicas
                        + "; the write is refused so it is never acknowledged on too few copies");
            }
            int bytes = batches.remaining();
            LogAppendResult result = log.appendAsLeader(batches, r.leaderEpoch());
            if (result.succeeded() && !result.duplicate()) {
                counters.appended(bytes, result.lastOffset() - result.firstOffset() + 1);
            }
            return result;
        } finally {
            leaderIsrLock.readLock().unlock();
        }
    }

    private LogAppendResult failure(ErrorCode code, String message) {
        return new LogAppendResult(code, message, -1, -1, -1, -1, log.logStartOffset(), false);
    }

    /** The leader's answer to a follower that fetched at {@code fetchOffset} after {@code lastFetchedEpoch}. */
    public EpochEndOffset divergence(long fetchOffset, int lastFetchedEpoch) {
        if (lastFetchedEpoch < 0) {
            return null;
        }
        EpochEndOffset end = log.endOffsetForEpoch(lastFetchedEpoch);
        if (end.epoch() < lastFetchedEpoch || end.endOffset() < fetchOffset) {
            return end;
        }
        return null;
    }

    /**
     * Records a follower's fetch: everything below {@code fetchOffset} is durable on it. May move the
     * high watermark and ask to add the follower to the ISR.
     *
     * <p>Only a fetch consistent with this leader's log counts (Kafka updates a follower's fetch state
     * only after a read without a diverging epoch): one past the log end, or whose last epoch diverges
     * here, describes a tail the follower is about to truncate, and counting it would let the high
     * watermark, and acks=all, pass offsets the follower does not hold.
     */
    public void updateFollowerFetch(int replicaId, long fetchOffset, int lastFetchedEpoch) {
        leaderIsrLock.readLock().lock();
        try {
            if (!leader) {
                return;
            }
            if (fetchOffset > log.logEndOffset() || divergence(fetchOffset, lastFetchedEpoch) != null) {
                return;
            }
            PartitionRegistration r = registration;
            long now = clock.milliseconds();
            synchronized (this) {
                FollowerState state = followers.get(replicaId);
                if (state == null) {
                    return;
                }
                followers.put(replicaId, state.onFetch(fetchOffset, log.logEndOffset(), now));
                if (!r.isr().contains(replicaId) && fetchOffset >= log.highWatermark()
                        && fetchOffset >= leaderEpochStartOffset) {
                    List<Integer> wanted = new ArrayList<>(r.isr());
                    wanted.add(replicaId);
                    requestIsr(r, wanted);
                }
            }
            maybeIncrementHighWatermark();
        } finally {
            leaderIsrLock.readLock().unlock();
        }
    }

    /** Leader only: asks to drop ISR members not caught up within {@code lagTimeMaxMs}. */
    void maybeShrinkIsr(long lagTimeMaxMs) {
        leaderIsrLock.readLock().lock();
        try {
            if (!leader) {
                return;
            }
            PartitionRegistration r = registration;
            long now = clock.milliseconds();
            synchronized (this) {
                Set<Integer> keep = new LinkedHashSet<>(r.isr());
                for (int replica : maximalIsr(r)) {
                    FollowerState s = followers.get(replica);
                    if (s != null && now - s.lastCaughtUpTimeMs() > lagTimeMaxMs) {
                        keep.remove(replica);
                    }
                }
                if (keep.size() < r.isr().size()) {
                    requestIsr(r, new ArrayList<>(keep));
                }
            }
        } finally {
            leaderIsrLock.readLock().unlock();
        }
    }

    /**
     * Asks for one ISR change at a time, as Kafka's leader does (its pending partition state): while a
     * request may still be applied, the maximal ISR must cover it, so a second wish (another follower
     * catching up, a shrink) waits for the answer. Replacing the request instead would let the high
     * watermark pass the first follower while the quorum could still add it.
     */
    private void requestIsr(PartitionRegistration r, List<Integer> wanted) {
        if (requestedIsr != null) {
            return; // the answer arrives as a new registration, or as a refusal
        }
        requestedIsr = wanted;
        requestedAtPartitionEpoch = r.partitionEpoch();
        listener.onIsrChangeWanted(tp, localBrokerId, wanted, r.partitionEpoch());
    }

    /**
     * The quorum refused the ISR change {@code isr} asked at {@code partitionEpoch}: ask again on the
     * next occasion. A refusal of an older request (overtaken by a new registration, after which this
     * leader may have asked again) leaves the newer request, which may still be applied, in force.
     */
    synchronized void clearRequestedIsr(List<Integer> isr, int partitionEpoch) {
        if (isr.equals(requestedIsr) && partitionEpoch == requestedAtPartitionEpoch) {
            requestedIsr = null;
        }
    }

    /** Called when the local log's durable end offset advanced. */
    public void onLocalDurable() {
        if (leader) {
            maybeIncrementHighWatermark();
        }
    }

    private void maybeIncrementHighWatermark() {
        PartitionRegistration r = registration;
        if (!leader || r == null) {
            return;
        }
        boolean moved = false;
        synchronized (this) {
            long candidate = log.durableEndOffset();
            for (int replica : maximalIsr(r)) {
                if (replica == localBrokerId) {
                    continue;
                }
                FollowerState s = followers.get(replica);
                candidate = Math.min(candidate, s == null ? -1 : s.fetchOffset());
            }
            if (candidate > log.highWatermark()) {
                log.updateHighWatermark(candidate);
                moved = true;
            }
        }
        if (moved) {
            listener.onHighWatermarkChanged(tp);
        }
    }

    /**
     * The ISR and any replica this leader asked to add (Kafka's maximal ISR). A replica is added when
     * it reached the high watermark, but the quorum applies that later; were the high watermark to
     * move on without it meanwhile, the new ISR would hold a member lacking committed offsets, which
     * an election could then lose. A requested shrink changes nothing: the larger ISR still counts.
     */
    private List<Integer> maximalIsr(PartitionRegistration r) {
        List<Integer> requested = requestedIsr;
        if (requested == null || r.isr().containsAll(requested)) {
            return r.isr();
        }
        Set<Integer> union = new LinkedHashSet<>(r.isr());
        union.addAll(requested);
        return new ArrayList<>(union);
    }

    /** Follower only: the leader's high watermark, capped at what this replica holds. */
    /** A follower's change to its log on a leader's answer: an append, a truncation, a new log start. */
    @FunctionalInterface
    interface FollowerStep<T> {
        T apply(PartitionLog log) throws IOException;
    }

    /**
     * Runs {@code step} only while this replica follows in {@code leaderEpoch}, under the read lock, so
     * no leadership change interleaves with it; otherwise changes nothing and returns {@code ifStale}.
     * A fetch answered in an older epoch can arrive after this replica became leader (its epoch
     * starting at the log end it had then): appending it would put another epoch's batches above
     * that start, and every follower would truncate them and fetch them again forever.
     */
    <T> T asFollowerIn(int leaderEpoch, T ifStale, FollowerStep<T> step) throws IOException {
        leaderIsrLock.readLock().lock();
        try {
            PartitionRegistration r = registration;
            if (leader || r == null || r.leaderEpoch() != leaderEpoch) {
                return ifStale;
            }
            return step.apply(log);
        } finally {
            leaderIsrLock.readLock().unlock();
        }
    }

    void updateFollowerHighWatermark(long leaderHighWatermark) {
        long hw = Math.min(leaderHighWatermark, log.logEndOffset());
        if (hw > log.highWatermark()) {
            log.updateHighWatermark(hw);
            listener.onHighWatermarkChanged(tp);
        }
    }

    /** For DescribeQuorum-like reporting and tests: each follower's fetch offset as the leader sees it. */
    public synchronized Map<Integer, Long> followerOffsets() {
        Map<Integer, Long> result = new HashMap<>();
        followers.forEach((id, s) -> result.put(id, s.fetchOffset()));
        return result;
    }
}
