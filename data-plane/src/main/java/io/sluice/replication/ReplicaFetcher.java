package io.sluice.replication;

import io.netty.buffer.ByteBuf;
import io.sluice.protocol.ErrorCode;
import io.sluice.protocol.rpc.ApiKey;
import io.sluice.protocol.rpc.FetchPartition;
import io.sluice.protocol.rpc.FetchPartitionResponse;
import io.sluice.protocol.rpc.FetchRequest;
import io.sluice.protocol.rpc.FetchResponse;
import io.sluice.protocol.wire.Frames;
import io.sluice.protocol.wire.ResponseFrame;
import io.sluice.storage.EpochEndOffset;
import io.sluice.storage.LogAppendResult;
import io.sluice.storage.PartitionLog;
import io.sluice.protocol.TopicPartition;
import java.net.InetSocketAddress;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.IntFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Fetches every partition this broker follows from one leader, one request in flight: fetch, append
 * what came, wait until it is durable here, fetch again. So the next fetch offset tells the leader
 * what this replica holds durably, which is what the leader's high watermark counts. A diverging
 * epoch in the answer truncates the local log first (never merging a former leader's tail).
 *
 * <p>Runs on the node client's event loop (responses) and the shared fetcher scheduler (backoff);
 * one step at a time, guarded by {@code inFlight}.
 */
final class ReplicaFetcher {
    private static final Logger log = LoggerFactory.getLogger(ReplicaFetcher.class);
    private final int brokerId;
    private final int leaderId;
    private final ReplicaClient client;
    private final ReplicationConfig config;
    private final Function<TopicPartition, Optional<Partition>> partitions;
    private final IntFunction<Optional<InetSocketAddress>> leaderAddress;
    private final ScheduledExecutorService scheduler;
    private final Map<TopicPartition, Integer> epochs = new ConcurrentHashMap<>();
    private final Map<TopicPartition, Long> awaitingDurable = new ConcurrentHashMap<>();
    private final java.util.function.BooleanSupplier paused;
    private final ReplicationThrottles throttles;
    /**
     * Armed once a response is fully handled; whoever next sees nothing left to wait for (the handler
     * itself or a durability callback) takes it and sends the next fetch. Exactly one does: two fetches
     * from the same offset would have the second answer's batches refused as already appended.
     */
    private final java.util.concurrent.atomic.AtomicBoolean nextFetchArmed = new java.util.concurrent.atomic.AtomicBoolean();
    private volatile boolean inFlight;
    private volatile boolean closed;

    ReplicaFetcher(int brokerId, int leaderId, ReplicaClient client, ReplicationConfig config,
                   Function<TopicPartition, Optional<Partition>> partitions,
                   IntFunction<Optional<InetSocketAddress>> leaderAddress, ScheduledExecutorService scheduler,
                   java.util.function.BooleanSupplier paused, ReplicationThrottles throttles) {
        this.throttles = throttles;
        this.paused = paused;
        this.brokerId = brokerId;
        this.leaderId = leaderId;
        this.client = client;
        this.config = config;
        this.partitions = partitions;
        this.leaderAddress = leaderAddress;
        this.scheduler = scheduler;
    }

    synchronized void add(TopicPartition tp, int leaderEpoch) {
        epochs.put(tp, leaderEpoch);
        if (!inFlight) {
            inFlight = true;
            scheduler.execute(this::fetch);
        }
    }

    void remove(TopicPartition tp) {
        epochs.remove(tp);
        awaitingDurable.remove(tp);
        maybeFetchNext(); // the others must not wait on a partition no longer followed here
    }

    boolean isEmpty() {
        return epochs.isEmpty();
    }

    void close() {
        closed = true;
    }

    void onDurable(TopicPartition tp, long durableEndOffset) {
        Long target = awaitingDurable.get(tp);
        if (target != null && durableEndOffset >= target && awaitingDurable.remove(tp, target)) {
            maybeFetchNext();
        }
    }

    private void maybeFetchNext() {
        if (awaitingDurable.isEmpty() && nextFetchArmed.compareAndSet(true, false)) {
            scheduler.execute(this::fetch);
        }
    }

    private void fetch() {
        synchronized (this) {
            if (closed || epochs.isEmpty()) {
                inFlight = false;
                return;
            }
            inFlight = true;
        }
        if (awaitDurable()) {
            return; // onDurable() sends it
        }
        Optional<InetSocketAddress> address = leaderAddress.apply(leaderId);
        if (address.isEmpty() || paused.getAsBoolean()) {
            retryLater();
            return;
        }
        FetchRequest.Builder request = FetchRequest.newBuilder()
                .setReplicaId(brokerId)
                .setMaxWaitMs(config.fetchMaxWaitMs())
                .setMinBytes(1)
                .setMaxBytes(config.fetchMaxBytes());
        Map<TopicPartition, PartitionLog> fetched = new HashMap<>();
        epochs.forEach((tp, epoch) -> partitions.apply(tp).ifPresent(p -> {
            // A throttled replica asks for no more than the follower quota has left, and sits out a
            // fetch while the quota is spent (Kafka leaves it out of the request the same way).
            long allowance = throttles.followerAllowance(tp);
            if (allowance <= 0) {
                return;
            }
            PartitionLog l = p.log();
            fetched.put(tp, l);
            request.addPartitions(FetchPartition.newBuilder().setTopic(tp.topic()).setPartition(tp.partition())
                    .setFetchOffset(l.logEndOffset())
                    .setPartitionMaxBytes((int) Math.min(config.fetchMaxBytes(), allowance))
                    .setCurrentLeaderEpoch(epoch).setLastFetchedEpoch(l.latestEpoch())
                    .setLogStartOffset(l.logStartOffset()));
        }));
        if (fetched.isEmpty()) {
            retryLater(); // every partition is throttled and the quota spent: ask again after the back-off
            return;
        }
        client.send(address.get(), ApiKey.FETCH, request.build(), null, config.fetchMaxWaitMs() + 10_000L)
                .whenComplete((frame, error) -> {
                    if (error != null) {
                        log.debug("Fetch from leader {} failed: {}", leaderId, error.getMessage());
                        retryLater();
                        return;
                    }
                    try {
                        handle(frame, fetched);
                    } catch (Exception e) {
                        log.warn("Handling a fetch response from leader {} failed", leaderId, e);
                        awaitingDurable.clear();
                        retryLater();
                    } finally {
                        frame.release();
                    }
                });
    }

    /**
     * Whatever led to this fetch (a response handled, a back-off, a partition added here or moved from
     * another leader's fetcher while its appends were being flushed), its offsets must be durable here:
     * if one is not, waits for it and returns true; the durability callback then sends the fetch.
     */
    private boolean awaitDurable() {
        boolean waiting = false;
        for (TopicPartition tp : epochs.keySet()) {
            Optional<Partition> p = partitions.apply(tp);
            if (p.isEmpty()) {
                continue;
            }
            PartitionLog l = p.get().log();
            long end = l.logEndOffset();
            if (l.durableEndOffset() < end) {
                awaitingDurable.put(tp, end);
                if (l.durableEndOffset() >= end) {
                    awaitingDurable.remove(tp, end); // flushed meanwhile
                } else {
                    waiting = true;
                }
            }
        }
        if (!waiting) {
            return false;
        }
        nextFetchArmed.set(true);
        maybeFetchNext();
        return true;
    }

    private void handle(ResponseFrame frame, Map<TopicPartition, PartitionLog> fetched) throws Exception {
        if (frame.header().getError() != ErrorCode.NONE) {
            log.debug("Leader {} refused the fetch: {}", leaderId, frame.header().getErrorMessage());
            retryLater();
            return;
        }
        FetchResponse response = Frames.parse(frame.body(), FetchResponse.parser());
        ByteBuf raw = frame.raw();
        boolean backoff = false;
        for (FetchPartitionResponse r : response.getPartitionsList()) {
            ByteBuf records = raw.readSlice(r.getRecordsSize());
            TopicPartition tp = new TopicPartition(r.getTopic(), r.getPartition());
            PartitionLog partitionLog = fetched.get(tp);
            Optional<Partition> partition = partitions.apply(tp);
            Integer epoch = epochs.get(tp);
            if (partitionLog == null || partition.isEmpty() || partition.get().log() != partitionLog || epoch == null) {
                continue; // no longer followed from this leader
            }
            throttles.followerReceived(tp, r.getRecordsSize());
            // Checked again under the partition's lock: leadership may move while this runs.
            backoff |= !partition.get().asFollowerIn(epoch, true, l -> process(partition.get(), l, r, records));
        }
        if (backoff) {
            awaitingDurable.clear();
            retryLater();
        } else {
            nextFetchArmed.set(true);
            maybeFetchNext(); // or onDurable() does, once every appended partition is durable
        }
    }

    /**
     * Returns false when the partition needs a pause before the next fetch. Runs while the partition
     * follows in the epoch this fetch was sent for (see {@link Partition#asFollowerIn}).
     */
    private boolean process(Partition partition, PartitionLog partitionLog, FetchPartitionResponse r, ByteBuf records)
            throws java.io.IOException {
        TopicPartition tp = partition.topicPartition();
        switch (r.getError()) {
            case NONE -> {
                if (r.hasDivergingEpoch()) {
                    truncate(partitionLog, r);
                    return true;
                }
                if (records.isReadable()) {
                    LogAppendResult result = partitionLog.appendAsFollower(records.nioBuffer());
                    if (!result.succeeded()) {
                        log.warn("{}: cannot append the leader's batches: {}", tp, result.errorMessage());
                        return false;
                    }
                    long end = partitionLog.logEndOffset();
                    if (partitionLog.durableEndOffset() < end) {
                        awaitingDurable.put(tp, end);
                        if (partitionLog.durableEndOffset() >= end) {
                            awaitingDurable.remove(tp, end);
                        }
                    }
                }
                partition.updateFollowerHighWatermark(r.getHighWatermark());
                // Kafka's way of spreading DeleteRecords (and the leader's retention): a follower's
                // log start follows the leader's, bounded by its own high watermark.
                partitionLog.advanceLogStartOffset(r.getLogStartOffset());
                return true;
            }
            case OFFSET_OUT_OF_RANGE -> {
                if (partitionLog.logEndOffset() < r.getLogStartOffset()) {
                    log.info("{}: behind the leader's log start {}; starting over there", tp, r.getLogStartOffset());
                    partitionLog.truncateFullyAndStartAt(r.getLogStartOffset());
                } else if (partitionLog.logEndOffset() > r.getLogEndOffset()) {
                    log.info("{}: ahead of the leader's end {}; truncating", tp, r.getLogEndOffset());
                    partitionLog.truncateTo(r.getLogEndOffset());
                }
                return true;
            }
            default -> {
                log.debug("{}: leader {} answered {}", tp, leaderId, r.getError());
                return false;
            }
        }
    }

    private void truncate(PartitionLog partitionLog, FetchPartitionResponse r) throws java.io.IOException {
        int epoch = r.getDivergingEpoch().getEpoch();
        long leaderEnd = r.getDivergingEpoch().getEndOffset();
        long target;
        if (epoch < 0 || leaderEnd < 0) {
            // The leader cannot say where we diverge (Kafka: truncate to the high watermark). Never
            // below it: what is below it is committed, and a replica that dropped it may be elected.
            target = partitionLog.highWatermark();
        } else {
            EpochEndOffset local = partitionLog.endOffsetForEpoch(epoch);
            target = local.endOffset() < 0 ? leaderEnd : Math.min(local.endOffset(), leaderEnd);
        }
        long before = partitionLog.logEndOffset();
        if (target < partitionLog.logStartOffset()) {
            partitionLog.truncateFullyAndStartAt(r.getLogStartOffset());
        } else {
            partitionLog.truncateTo(target);
        }
        log.info("{}: diverged from leader {} at epoch {}; truncated from {} to {}",
                partitionLog.topicPartition(), leaderId, epoch, before, partitionLog.logEndOffset());
    }

    private void retryLater() {
        if (closed) {
            inFlight = false;
            return;
        }
        scheduler.schedule(this::fetch, config.fetchBackoffMs(), TimeUnit.MILLISECONDS);
    }

    List<TopicPartition> partitionsFollowed() {
        return List.copyOf(epochs.keySet());
    }
}
