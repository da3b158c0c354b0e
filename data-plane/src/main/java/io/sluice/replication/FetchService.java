package io.sluice.replication;

import io.sluice.protocol.ErrorCode;
import io.sluice.purgatory.DelayedOperation;
import io.sluice.storage.EpochEndOffset;
import io.sluice.storage.LogReadResult;
import io.sluice.protocol.TopicPartition;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * The fetch rules, shared by every protocol, for consumers (up to the high watermark) and followers
 * (up to the log end; their fetch offset tells the leader what they hold durably, and a diverging
 * epoch tells them to truncate). Results carry file ranges of the segments, which a codec sends with
 * zero copy. A fetch that finds less than {@code minBytes} waits in the fetch purgatory until data
 * arrives or {@code maxWaitMs} passes.
 *
 * <p>Stateless; thread-safe. Called on an I/O event loop, so it never blocks.
 */
public final class FetchService {
    /** One partition of a fetch. {@code currentLeaderEpoch} and {@code lastFetchedEpoch} are -1 when unknown. */
    public record PartitionFetch(TopicPartition tp, long fetchOffset, int currentLeaderEpoch, int lastFetchedEpoch,
                                 int maxBytes) {
    }

    /** A fetch: {@code replicaId} is a follower's broker id, or -1 for a consumer. */
    public record FetchParams(int replicaId, int maxWaitMs, int minBytes, int maxBytes, List<PartitionFetch> partitions) {
        public boolean isFollower() {
            return replicaId >= 0;
        }
    }

    /**
     * One partition's answer. {@code records} is null when there is nothing to send (or on error);
     * {@code diverging} is set when a follower must truncate first. {@code leaderId} / {@code leaderEpoch}
     * are -1 when unknown.
     */
    public record PartitionData(TopicPartition tp, ErrorCode error, String message, long highWatermark,
                                long logStartOffset, long logEndOffset, EpochEndOffset diverging,
                                LogReadResult.FileRange records, int leaderId, int leaderEpoch) {
        public int recordsSize() {
            return records == null ? 0 : records.length();
        }
    }

    private final ReplicaManager replicas;

    public FetchService(ReplicaManager replicas) {
        this.replicas = replicas;
    }

    /** Reads now, or once enough data arrived or the wait is over; one result per requested partition. */
    public CompletableFuture<List<PartitionData>> fetch(FetchParams params) {
        if (params.isFollower()) {
            for (PartitionFetch pf : params.partitions()) {
                replicas.partition(pf.tp()).ifPresent(p -> {
                    // A follower of another epoch is answered with an error below; its offset does not count.
                    if (LeaderEpochCheck.check(pf.currentLeaderEpoch(), p.leaderEpoch()) == ErrorCode.NONE) {
                        p.updateFollowerFetch(params.replicaId(), pf.fetchOffset(), pf.lastFetchedEpoch());
                    }
                });
            }
        }
        Read first = read(params);
        int minBytes = Math.max(1, params.minBytes());
        if (first.bytes >= minBytes || first.answerNow || params.maxWaitMs() <= 0) {
            return CompletableFuture.completedFuture(first.partitions);
        }
        CompletableFuture<List<PartitionData>> done = new CompletableFuture<>();
        List<TopicPartition> keys = params.partitions().stream().map(PartitionFetch::tp).distinct().toList();
        replicas.fetchPurgatory().tryCompleteElseWatch(new DelayedOperation<>(keys) {
            @Override
            protected boolean canComplete() {
                return available(params) >= minBytes;
            }

            @Override
            protected void onComplete() {
                try {
                    done.complete(read(params).partitions);
                } catch (RuntimeException e) {
                    done.completeExceptionally(e);
                }
            }
        }, params.maxWaitMs());
        return done;
    }

    /** The answer being built, in partition order. */
    private static final class Read {
        final List<PartitionData> partitions = new ArrayList<>();
        long bytes;
        boolean answerNow;
    }

    private Read read(FetchParams params) {
        Read read = new Read();
        boolean follower = params.isFollower();
        int budget = params.maxBytes() > 0 ? params.maxBytes() : Integer.MAX_VALUE;
        for (PartitionFetch pf : params.partitions()) {
            Partition p = replicas.partition(pf.tp()).orElse(null);
            PartitionData refused = check(p, pf);
            if (refused != null) {
                read.answerNow = true;
                read.partitions.add(refused);
                continue;
            }
            long hw = p.highWatermark();
            long logStart = p.log().logStartOffset();
            long logEnd = p.log().logEndOffset();
            if (follower) {
                EpochEndOffset diverging = p.divergence(pf.fetchOffset(), pf.lastFetchedEpoch());
                if (diverging != null) {
                    read.answerNow = true; // the follower must truncate before anything else
                    read.partitions.add(new PartitionData(pf.tp(), ErrorCode.NONE, null, hw, logStart, logEnd,
                            diverging, null, p.leaderId(), p.leaderEpoch()));
                    continue;
                }
            }
            // Within both limits, as Kafka's fetch: the log returns at least one batch, so the first
            // non-empty partition gets one batch above them, and the response max bytes cap the rest of it.
            int maxBytes = Math.min(pf.maxBytes() > 0 ? pf.maxBytes() : budget, budget);
            if (follower) {
                // A throttled replica gets no more than the leader quota has left, nothing while it is spent.
                long allowance = replicas.throttles().leaderAllowance(pf.tp(), params.replicaId());
                if (allowance <= 0) {
                    read.partitions.add(new PartitionData(pf.tp(), ErrorCode.NONE, null, hw, logStart, logEnd, null,
                            null, p.leaderId(), p.leaderEpoch()));
                    continue;
                }
                maxBytes = (int) Math.min(maxBytes, allowance);
            }
            long limit = follower ? Long.MAX_VALUE : hw;
            LogReadResult result = p.log().read(pf.fetchOffset(), Math.max(1, maxBytes), limit);
            if (result.error() != ErrorCode.NONE) {
                read.answerNow = true;
                read.partitions.add(new PartitionData(pf.tp(), result.error(), result.errorMessage(), hw, logStart,
                        logEnd, null, null, p.leaderId(), p.leaderEpoch()));
                continue;
            }
            LogReadResult.FileRange range = null;
            // The first non-empty partition is always sent whole, so a batch above max.bytes still makes progress.
            if (!result.isEmpty() && (read.bytes == 0 || result.range().length() <= budget)) {
                range = result.range();
                p.counters().fetched(follower, range.length(), range.lastOffset() - range.firstOffset() + 1);
                if (follower) {
                    replicas.throttles().leaderSent(pf.tp(), range.length());
                }
                read.bytes += range.length();
                budget = (int) Math.max(0, budget - range.length());
            }
            read.partitions.add(new PartitionData(pf.tp(), ErrorCode.NONE, null, hw, logStart, logEnd, null, range,
                    p.leaderId(), p.leaderEpoch()));
        }
        return read;
    }

    /** Bytes a fetch would return now, without building it (for the purgatory's check). */
    private long available(FetchParams params) {
        long bytes = 0;
        for (PartitionFetch pf : params.partitions()) {
            Partition p = replicas.partition(pf.tp()).orElse(null);
            if (p == null || !p.isLeader()) {
                return Long.MAX_VALUE; // answer now with the error
            }
            long limit = params.isFollower() ? p.log().logEndOffset() : p.highWatermark();
            if (params.isFollower() && replicas.throttles().leaderAllowance(pf.tp(), params.replicaId()) <= 0) {
                continue; // throttled: its data does not end the wait
            }
            if (pf.fetchOffset() < limit) {
                // Up to what the partition may return, not min bytes: a read capped at min bytes stops
                // before the batch that would reach it, and a wait for more than one batch never ended early.
                int cap = pf.maxBytes() > 0 ? pf.maxBytes() : Integer.MAX_VALUE;
                LogReadResult r = p.log().read(pf.fetchOffset(), cap, limit);
                bytes += r.isEmpty() ? 0 : r.range().length();
            }
        }
        return bytes;
    }

    /** The error answer for a partition this broker cannot serve, or null when it can. */
    private PartitionData check(Partition p, PartitionFetch pf) {
        if (p == null) {
            var topic = replicas.image().topics().topic(pf.tp().topic());
            var reg = topic == null ? null : topic.partition(pf.tp().partition());
            return reg != null
                    ? refused(pf, ErrorCode.NOT_LEADER_OR_FOLLOWER, "this broker holds no replica of " + pf.tp(),
                            reg.leader(), reg.leaderEpoch())
                    : refused(pf, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, "topic-partition " + pf.tp() + " does not exist",
                            -1, -1);
        }
        if (!p.isLeader()) {
            return refused(pf, ErrorCode.NOT_LEADER_OR_FOLLOWER, "broker does not lead " + pf.tp() + "; broker "
                    + p.leaderId() + " does", p.leaderId(), p.leaderEpoch());
        }
        ErrorCode epoch = LeaderEpochCheck.check(pf.currentLeaderEpoch(), p.leaderEpoch());
        if (epoch != ErrorCode.NONE) {
            return refused(pf, epoch, LeaderEpochCheck.describe(pf.currentLeaderEpoch(), p.leaderEpoch()),
                    p.leaderId(), p.leaderEpoch());
        }
        return null;
    }

    private static PartitionData refused(PartitionFetch pf, ErrorCode error, String message, int leader, int epoch) {
        return new PartitionData(pf.tp(), error, message, -1, -1, -1, null, null, leader, epoch);
    }
}
