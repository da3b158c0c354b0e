package io.sluice.server;

import io.sluice.network.NativeApis;
import io.sluice.network.RequestContext;
import io.sluice.network.Response;
import io.sluice.protocol.ErrorCode;
import io.sluice.protocol.TopicPartition;
import io.sluice.protocol.rpc.ApiKey;
import io.sluice.protocol.rpc.DescribeLogCleanerRequest;
import io.sluice.protocol.rpc.DescribeLogCleanerResponse;
import io.sluice.protocol.rpc.LogCleanerProgress;
import io.sluice.protocol.wire.Frames;
import io.sluice.protocol.wire.RequestFrame;
import io.sluice.replication.Partition;
import io.sluice.replication.ReplicaManager;
import io.sluice.storage.LogCleaner;
import java.util.Comparator;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;

/**
 * DescribeLogCleaner: the cleaner's progress on this broker's own replicas of compacted topics (the
 * same numbers as the {@code sluice_log_cleaner_*} metrics). Every replica cleans its own copy, so
 * the answer is this broker's alone; {@code ./sluice topics --describe} asks the broker of every
 * replica. Answered from memory on the event loop. Stateless; thread-safe.
 */
final class CleanerApis {
    private final int nodeId;
    private final ReplicaManager replicas;
    private final LogCleaner cleaner;

    /** {@code cleaner} may be null (no cleaner on this node): every answer is then empty. */
    CleanerApis(int nodeId, ReplicaManager replicas, LogCleaner cleaner) {
        this.nodeId = nodeId;
        this.replicas = replicas;
        this.cleaner = cleaner;
    }

    void register(NativeApis apis) {
        apis.add(ApiKey.DESCRIBE_LOG_CLEANER, this::describe);
    }

    private CompletableFuture<Response> describe(RequestContext ctx, RequestFrame frame) throws Exception {
        DescribeLogCleanerRequest request;
        try {
            request = Frames.parse(frame.body(), DescribeLogCleanerRequest.parser());
        } finally {
            frame.release();
        }
        Set<String> wanted = new HashSet<>(request.getTopicsList());
        DescribeLogCleanerResponse.Builder response = DescribeLogCleanerResponse.newBuilder()
                .setError(ErrorCode.NONE).setBrokerId(nodeId);
        Map<TopicPartition, Partition> sorted = new TreeMap<>(Comparator.comparing(TopicPartition::topic)
                .thenComparingInt(TopicPartition::partition));
        sorted.putAll(replicas.partitions());
        for (Partition p : sorted.values()) {
            TopicPartition tp = p.topicPartition();
            if (cleaner == null || (!wanted.isEmpty() && !wanted.contains(tp.topic()))) {
                continue;
            }
            cleaner.progress(p.log()).ifPresent(progress -> response.addPartitions(LogCleanerProgress.newBuilder()
                    .setTopic(tp.topic()).setPartition(tp.partition())
                    .setDirtyRatio(progress.dirtyRatio()).setLastCleanedOffset(progress.firstDirtyOffset())
                    .setPasses(progress.passes()).setRecordsRemoved(progress.recordsRemoved())));
        }
        return CompletableFuture.completedFuture(Response.of(response.build()));
    }
}
