package io.sluice.replication;

import io.sluice.metadata.image.MetadataImage;
import io.sluice.protocol.ErrorCode;
import io.sluice.purgatory.DelayedOperation;
import io.sluice.storage.LogAppendResult;
import io.sluice.protocol.TopicPartition;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * The produce rules, shared by every protocol: validates and appends each partition's batches as they
 * arrived (no re-encoding), then completes when the acknowledgement the producer asked for holds:
 * {@code acks=0} at once, {@code acks=1} once the leader's copy is durable, {@code acks=all} once the
 * high watermark (durable on every ISR member) passes the batch and the ISR still has
 * {@code min.insync.replicas} members. Waiting happens in the produce purgatory, never on a thread.
 *
 * <p>Stateless; thread-safe. Called on an I/O event loop, so it never blocks.
 */
public final class ProduceService {
    /** One partition's batches, exactly as the producer sent them. */
    public record PartitionRecords(TopicPartition tp, ByteBuffer records) {
    }

    /**
     * One partition's outcome. {@code baseOffset} is set when {@code error} is NONE; a leader hint
     * ({@code currentLeaderId}, -1 when unknown) comes with NOT_LEADER_OR_FOLLOWER.
     */
    public record PartitionResult(TopicPartition tp, ErrorCode error, String message, long baseOffset,
                                  long logAppendTime, long logStartOffset, int currentLeaderId,
                                  int currentLeaderEpoch) {
    }

    /** Told how long each produce request took from arrival to its answer (the node's metrics). */
    @FunctionalInterface
    public interface AckLatency {
        AckLatency NONE = (acks, nanos) -> { };

        /** Called once per request, on the thread that completes it; must be cheap and thread-safe. */
        void record(int acks, long nanos);
    }

    private final ReplicaManager replicas;
    private final AckLatency ackLatency;

    public ProduceService(ReplicaManager replicas) {
        this(replicas, AckLatency.NONE);
    }

    public ProduceService(ReplicaManager replicas, AckLatency ackLatency) {
        this.replicas = replicas;
        this.ackLatency = ackLatency;
    }

    /**
     * Appends and completes with one result per requested partition, in request order, once every
     * partition's acknowledgement holds or {@code timeoutMs} passed (then the late ones report
     * REQUEST_TIMED_OUT; their records may still be committed, as in Kafka).
     */
    public CompletableFuture<List<PartitionResult>> append(int acks, int timeoutMs, List<PartitionRecords> partitions) {
        long start = System.nanoTime();
        List<Outcome> outcomes = new ArrayList<>(partitions.size());
        for (PartitionRecords pr : partitions) {
            if (acks != 0 && acks != 1 && acks != -1) {
                outcomes.add(failed(pr.tp(), ErrorCode.INVALID_REQUIRED_ACKS, "acks must be 0, 1 or -1 (all), not " + acks));
            } else {
                outcomes.add(appendOne(pr, acks));
            }
        }
        List<TopicPartition> waitingOn = new ArrayList<>();
        for (Outcome o : outcomes) {
            if (o.result().succeeded() && o.partition() != null) {
                replicas.wake(o.tp()); // followers' parked fetches
            }
            if (o.waiting(acks) && !waitingOn.contains(o.tp())) {
                waitingOn.add(o.tp()); // a partition may repeat in one request
            }
        }
        if (waitingOn.isEmpty()) {
            ackLatency.record(acks, System.nanoTime() - start);
            return CompletableFuture.completedFuture(results(outcomes, acks, false));
        }
        CompletableFuture<List<PartitionResult>> done = new CompletableFuture<>();
        replicas.producePurgatory().tryCompleteElseWatch(new DelayedOperation<>(waitingOn) {
            @Override
            protected boolean canComplete() {
                return outcomes.stream().noneMatch(o -> o.waiting(acks));
            }

            @Override
            protected void onComplete() {
                ackLatency.record(acks, System.nanoTime() - start);
                done.complete(results(outcomes, acks, isExpired()));
            }
        }, Math.max(1, timeoutMs));
        return done;
    }

    /** One partition's append, and the min.insync.replicas its acks=all acknowledgement needs. */
    private record Outcome(TopicPartition tp, Partition partition, LogAppendResult result, int minIsr) {
        boolean waiting(int acks) {
            return result.succeeded() && partition != null && !satisfied(acks);
        }

        boolean satisfied(int acks) {
            if (acks == 0) {
                return true;
            }
            if (!partition.isLeader()) {
                return false;
            }
            long needed = result.lastOffset() + 1;
            return acks == 1 ? partition.log().durableEndOffset() >= needed : partition.highWatermark() >= needed;
        }

        /**
         * Whether an acks=all write whose wait is over ended on too few copies: the high watermark can
         * pass it because the ISR shrank below min.insync.replicas (a leader cut off from its
         * followers), and then it must not be acknowledged. An ISR that grew back is fine: a replica
         * rejoins only once it holds everything below the high watermark.
         */
        boolean tooFewCopies(int acks) {
            return acks == -1 && partition.isr().size() < minIsr;
        }
    }

    private Outcome appendOne(PartitionRecords pr, int acks) {
        TopicPartition tp = pr.tp();
        Partition partition = replicas.partition(tp).orElse(null);
        if (partition == null) {
            return failed(tp, unknownOrNotHere(tp), "this broker holds no replica of " + tp);
        }
        int minIsr = replicas.defaults().minInsyncReplicas(replicas.image().configs().topicConfig(tp.topic()),
                partition.replicaCount());
        LogAppendResult result;
        try {
            result = partition.appendAsLeader(pr.records(), acks, minIsr);
        } catch (java.io.IOException e) {
            result = new LogAppendResult(ErrorCode.KAFKA_STORAGE_ERROR, "the log of " + tp + " cannot be written: "
                    + e.getMessage(), -1, -1, -1, -1, -1, false);
        }
        return new Outcome(tp, partition, result, minIsr);
    }

    private ErrorCode unknownOrNotHere(TopicPartition tp) {
        MetadataImage image = replicas.image();
        var topic = image.topics().topic(tp.topic());
        return topic == null || topic.partition(tp.partition()) == null
                ? ErrorCode.UNKNOWN_TOPIC_OR_PARTITION : ErrorCode.NOT_LEADER_OR_FOLLOWER;
    }

    /** Whether the replica {@code o} was written to is no longer this broker's (deleted meanwhile). */
    private boolean removed(Outcome o) {
        return o.partition() != null && replicas.partition(o.tp()).orElse(null) != o.partition();
    }

    private static Outcome failed(TopicPartition tp, ErrorCode code, String message) {
        return new Outcome(tp, null, new LogAppendResult(code, message, -1, -1, -1, -1, -1, false), 0);
    }

    private List<PartitionResult> results(List<Outcome> outcomes, int acks, boolean expired) {
        List<PartitionResult> results = new ArrayList<>(outcomes.size());
        for (Outcome o : outcomes) {
            results.add(result(o, acks, expired));
        }
        return results;
    }

    private PartitionResult result(Outcome o, int acks, boolean expired) {
        LogAppendResult r = o.result();
        ErrorCode error = ErrorCode.NONE;
        String message = null;
        if (!r.succeeded()) {
            error = r.error();
            message = r.errorMessage();
        } else if (!o.satisfied(acks)) {
            if (removed(o)) {
                // Moved away or its topic deleted while the write waited: answered as a new request
                // would be (as Kafka), so the client refreshes its metadata instead of retrying here.
                error = unknownOrNotHere(o.tp());
                message = "the replica of " + o.tp() + " on this broker was removed before the write was acknowledged";
            } else if (!o.partition().isLeader()) {
                error = ErrorCode.NOT_LEADER_OR_FOLLOWER;
                message = "leadership of " + o.tp() + " moved before the write was acknowledged; retry";
            } else {
                error = ErrorCode.REQUEST_TIMED_OUT;
                message = expired ? "the write was not replicated to every in-sync replica in time; retry"
                        : "the write was not acknowledged";
            }
        } else if (o.tooFewCopies(acks)) {
            error = ErrorCode.NOT_ENOUGH_REPLICAS_AFTER_APPEND;
            message = "the write reached the log of " + o.tp() + " but its in-sync replicas shrank to "
                    + o.partition().isr() + ", fewer than min.insync.replicas=" + o.minIsr()
                    + ", before it was acknowledged; retry";
        }
        int leaderId = -1;
        int leaderEpoch = -1;
        if (error == ErrorCode.NOT_LEADER_OR_FOLLOWER) {
            if (o.partition() != null && !removed(o)) {
                leaderId = o.partition().leaderId();
                leaderEpoch = o.partition().leaderEpoch();
            } else {
                var topic = replicas.image().topics().topic(o.tp().topic());
                var reg = topic == null ? null : topic.partition(o.tp().partition());
                if (reg != null) {
                    leaderId = reg.leader();
                    leaderEpoch = reg.leaderEpoch();
                }
            }
        }
        long baseOffset = error == ErrorCode.NONE ? r.firstOffset() : -1;
        return new PartitionResult(o.tp(), error, message, baseOffset, r.logAppendTime(), r.logStartOffset(),
                leaderId, leaderEpoch);
    }
}
