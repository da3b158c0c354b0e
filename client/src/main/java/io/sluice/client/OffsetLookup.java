package io.sluice.client;

import io.sluice.protocol.ErrorCode;
import io.sluice.protocol.Errors;
import io.sluice.protocol.SluiceException;
import io.sluice.protocol.Time;
import io.sluice.protocol.TopicPartition;
import io.sluice.protocol.rpc.ApiKey;
import io.sluice.protocol.rpc.ListOffsetsPartition;
import io.sluice.protocol.rpc.ListOffsetsPartitionResponse;
import io.sluice.protocol.rpc.ListOffsetsRequest;
import io.sluice.protocol.rpc.ListOffsetsResponse;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * ListOffsets for many partitions: one request per leader, retried after a metadata refresh for
 * partitions whose leader moved, until the timeout. Shared by the consumer ({@code auto.offset.reset},
 * {@code seekToEnd}) and the admin client. Blocking; thread-safe (no state of its own).
 */
public final class OffsetLookup {
    private final Metadata metadata;
    private final Network network;
    private final Time time;
    private final int requestTimeoutMs;
    private final long retryBackoffMs;

    public OffsetLookup(Metadata metadata, Network network, Time time, int requestTimeoutMs, long retryBackoffMs) {
        this.metadata = metadata;
        this.network = network;
        this.time = time;
        this.requestTimeoutMs = requestTimeoutMs;
        this.retryBackoffMs = retryBackoffMs;
    }

    /**
     * Looks up the offsets; {@code timestamps} maps each partition to -2 (earliest), -1 (latest) or a
     * timestamp. Non-retriable errors fail at once with a {@link SluiceException} naming the partition.
     */
    public Map<TopicPartition, ListedOffset> lookup(Map<TopicPartition, Long> timestamps, long timeoutMs) {
        long deadline = time.monotonicMs() + timeoutMs;
        Map<TopicPartition, ListedOffset> result = new HashMap<>();
        Map<TopicPartition, Long> remaining = new HashMap<>(timestamps);
        metadata.addTopics(timestamps.keySet().stream().map(TopicPartition::topic).toList());
        String lastError = "";
        while (!remaining.isEmpty()) {
            Cluster cluster = metadata.await(c -> remaining.keySet().stream().allMatch(tp -> c.leaderFor(tp) != null
                    || c.topicError(tp.topic()) != null || (c.partitionCount(tp.topic()) >= 0 && c.partition(tp) == null)),
                    Math.max(1, deadline - time.monotonicMs()), "the leaders of " + remaining.keySet());
            Map<Node, List<TopicPartition>> byLeader = groupByLeader(cluster, remaining.keySet());
            List<CompletableFuture<ListOffsetsResponse>> futures = new ArrayList<>();
            for (Map.Entry<Node, List<TopicPartition>> e : byLeader.entrySet()) {
                ListOffsetsRequest.Builder request = ListOffsetsRequest.newBuilder().setReplicaId(-1);
                for (TopicPartition tp : e.getValue()) {
                    request.addPartitions(ListOffsetsPartition.newBuilder().setTopic(tp.topic())
                            .setPartition(tp.partition()).setTimestamp(remaining.get(tp))
                            .setCurrentLeaderEpoch(cluster.partition(tp).leaderEpoch()));
                }
                futures.add(network.call(e.getKey(), ApiKey.LIST_OFFSETS, request.build(), ListOffsetsResponse.parser(),
                        requestTimeoutMs));
            }
            boolean retry = false;
            for (CompletableFuture<ListOffsetsResponse> f : futures) {
                try {
                    for (ListOffsetsPartitionResponse p : f.join().getPartitionsList()) {
                        TopicPartition tp = new TopicPartition(p.getTopic(), p.getPartition());
                        if (p.getError() == ErrorCode.NONE) {
                            result.put(tp, new ListedOffset(p.getOffset(), p.getTimestamp(), p.getLeaderEpoch()));
                            remaining.remove(tp);
                        } else if (Errors.isRetriable(p.getError())) {
                            retry = true;
                            lastError = tp + ": " + Errors.describe(p.getError(), p.getErrorMessage());
                        } else {
                            throw new SluiceException(p.getError(), "listing offsets of " + tp + " failed: "
                                    + Errors.describe(p.getError(), p.getErrorMessage()));
                        }
                    }
                } catch (java.util.concurrent.CompletionException e) {
                    Throwable cause = NetworkClient.unwrap(e);
                    if (cause instanceof SluiceException s && !s.retriable() && s.code() != ErrorCode.NETWORK_EXCEPTION) {
                        throw s;
                    }
                    retry = true;
                    lastError = cause.getMessage();
                }
            }
            if (!remaining.isEmpty() && (retry || byLeader.isEmpty())) {
                if (time.monotonicMs() + retryBackoffMs >= deadline) {
                    throw new SluiceException(ErrorCode.REQUEST_TIMED_OUT, "could not list offsets of "
                            + remaining.keySet() + " within " + timeoutMs + " ms (last error: " + lastError + ")");
                }
                metadata.requestUpdate();
                sleep(retryBackoffMs);
            }
        }
        return result;
    }

    private static Map<Node, List<TopicPartition>> groupByLeader(Cluster cluster, Iterable<TopicPartition> partitions) {
        Map<Node, List<TopicPartition>> byLeader = new HashMap<>();
        for (TopicPartition tp : partitions) {
            if (cluster.topicError(tp.topic()) == ErrorCode.UNKNOWN_TOPIC_OR_PARTITION
                    || (cluster.partitionCount(tp.topic()) >= 0 && cluster.partition(tp) == null)) {
                throw new SluiceException(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, "partition " + tp + " does not exist");
            }
            Node leader = cluster.leaderFor(tp);
            if (leader != null) {
                byLeader.computeIfAbsent(leader, k -> new ArrayList<>()).add(tp);
            }
        }
        return byLeader;
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SluiceException(ErrorCode.REQUEST_TIMED_OUT, "interrupted while listing offsets");
        }
    }
}
