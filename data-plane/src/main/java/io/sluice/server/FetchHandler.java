package io.sluice.server;

import io.netty.channel.DefaultFileRegion;
import io.netty.channel.FileRegion;
import io.sluice.protocol.ErrorCode;
import io.sluice.protocol.rpc.EpochEndOffset;
import io.sluice.protocol.rpc.FetchPartition;
import io.sluice.protocol.rpc.FetchPartitionResponse;
import io.sluice.protocol.rpc.FetchRequest;
import io.sluice.protocol.rpc.FetchResponse;
import io.sluice.protocol.wire.Frames;
import io.sluice.protocol.wire.RequestFrame;
import io.sluice.replication.Partition;
import io.sluice.replication.ReplicaManager;
import io.sluice.server.purgatory.DelayedOperation;
import io.sluice.storage.LogReadResult;
import io.sluice.storage.TopicPartition;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Fetch, for consumers (up to the high watermark) and followers (up to the log end; their fetch
 * offset tells the leader what they hold durably, and a diverging epoch tells them to truncate).
 * Log bytes go out as file regions straight from the segment files. A fetch that finds less than
 * {@code min_bytes} waits in the fetch purgatory until data arrives or {@code max_wait_ms} passes.
 */
final class FetchHandler implements RequestHandler {
    private final ReplicaManager replicas;

    FetchHandler(ReplicaManager replicas) {
        this.replicas = replicas;
    }

    @Override
    public CompletableFuture<Response> handle(RequestContext ctx, RequestFrame frame) throws Exception {
        FetchRequest request;
        try {
            request = Frames.parse(frame.body(), FetchRequest.parser());
        } finally {
            frame.release();
        }
        boolean follower = request.getReplicaId() >= 0;
        if (follower) {
            for (FetchPartition fp : request.getPartitionsList()) {
                replicas.partition(tp(fp)).ifPresent(p -> {
                    // A follower of another epoch is answered with an error below; its offset does not count.
                    if (LeaderEpochCheck.check(fp.getCurrentLeaderEpoch(), p.leaderEpoch()) == ErrorCode.NONE) {
                        p.updateFollowerFetch(request.getReplicaId(), fp.getFetchOffset(), fp.getLastFetchedEpoch());
                    }
                });
            }
        }
        Read first = read(request);
        if (first.bytes >= Math.max(1, request.getMinBytes()) || first.hasError || request.getMaxWaitMs() <= 0) {
            return CompletableFuture.completedFuture(first.toResponse());
        }
        first.release();
        CompletableFuture<Response> response = new CompletableFuture<>();
        List<TopicPartition> keys = request.getPartitionsList().stream().map(FetchHandler::tp).toList();
        replicas.fetchPurgatory().tryCompleteElseWatch(new DelayedOperation<>(keys) {
            @Override
            protected boolean canComplete() {
                return available(request) >= Math.max(1, request.getMinBytes());
            }

            @Override
            protected void onComplete() {
                try {
                    response.complete(read(request).toResponse());
                } catch (RuntimeException e) {
                    response.completeExceptionally(e);
                }
            }
        }, request.getMaxWaitMs());
        return response;
    }

    private static TopicPartition tp(FetchPartition fp) {
        return new TopicPartition(fp.getTopic(), fp.getPartition());
    }

    /** The response being built: bodies and file regions in partition order. */
    private static final class Read {
        final FetchResponse.Builder body = FetchResponse.newBuilder();
        final List<FileRegion> regions = new ArrayList<>();
        long bytes;
        boolean hasError;

        Response toResponse() {
            return Response.withRegions(body.build(), regions);
        }

        void release() {
            regions.forEach(FileRegion::release);
        }
    }

    private Read read(FetchRequest request) {
        Read read = new Read();
        boolean follower = request.getReplicaId() >= 0;
        int budget = request.getMaxBytes() > 0 ? request.getMaxBytes() : Integer.MAX_VALUE;
        for (FetchPartition fp : request.getPartitionsList()) {
            FetchPartitionResponse.Builder r = FetchPartitionResponse.newBuilder()
                    .setTopic(fp.getTopic()).setPartition(fp.getPartition());
            Partition p = replicas.partition(tp(fp)).orElse(null);
            ErrorCode error = check(p, fp, r);
            if (error != ErrorCode.NONE) {
                read.hasError = true;
                read.body.addPartitions(r.setError(error));
                continue;
            }
            r.setHighWatermark(p.highWatermark()).setLogStartOffset(p.log().logStartOffset())
                    .setLogEndOffset(p.log().logEndOffset());
            if (follower) {
                io.sluice.storage.EpochEndOffset diverging = p.divergence(fp.getFetchOffset(), fp.getLastFetchedEpoch());
                if (diverging != null) {
                    read.body.addPartitions(r.setDivergingEpoch(EpochEndOffset.newBuilder()
                            .setEpoch(diverging.epoch()).setEndOffset(diverging.endOffset())));
                    read.hasError = true; // answer now: the follower must truncate before anything else
                    continue;
                }
            }
            int maxBytes = Math.min(fp.getPartitionMaxBytes() > 0 ? fp.getPartitionMaxBytes() : budget,
                    read.bytes == 0 ? Integer.MAX_VALUE : budget);
            long limit = follower ? Long.MAX_VALUE : p.highWatermark();
            LogReadResult result = p.log().read(fp.getFetchOffset(), Math.max(1, maxBytes), limit);
            if (result.error() != ErrorCode.NONE) {
                read.hasError = true;
                r.setError(result.error()).setErrorMessage(result.errorMessage() == null ? "" : result.errorMessage());
            } else if (!result.isEmpty() && (read.bytes == 0 || result.range().length() <= budget)) {
                LogReadResult.FileRange range = result.range();
                read.regions.add(new SharedFileRegion(range.channel(), range.position(), range.length()));
                r.setRecordsSize(range.length());
                read.bytes += range.length();
                budget = (int) Math.max(0, budget - range.length());
            }
            read.body.addPartitions(r);
        }
        return read;
    }

    /** Bytes a fetch would return now, without building it (for the purgatory's check). */
    private long available(FetchRequest request) {
        boolean follower = request.getReplicaId() >= 0;
        long bytes = 0;
        for (FetchPartition fp : request.getPartitionsList()) {
            Partition p = replicas.partition(tp(fp)).orElse(null);
            if (p == null || !p.isLeader()) {
                return Long.MAX_VALUE; // answer now with the error
            }
            long limit = follower ? p.log().logEndOffset() : p.highWatermark();
            if (fp.getFetchOffset() < limit) {
                LogReadResult r = p.log().read(fp.getFetchOffset(), Math.max(1, request.getMinBytes()), limit);
                bytes += r.isEmpty() ? 0 : r.range().length();
            }
        }
        return bytes;
    }

    private ErrorCode check(Partition p, FetchPartition fp, FetchPartitionResponse.Builder r) {
        if (p == null) {
            var topic = replicas.image().topics().topic(fp.getTopic());
            boolean exists = topic != null && topic.partition(fp.getPartition()) != null;
            r.setErrorMessage(exists ? "this broker holds no replica of " + tp(fp)
                    : "topic-partition " + tp(fp) + " does not exist");
            if (exists) {
                r.setCurrentLeaderId(topic.partition(fp.getPartition()).leader());
            }
            return exists ? ErrorCode.NOT_LEADER_OR_FOLLOWER : ErrorCode.UNKNOWN_TOPIC_OR_PARTITION;
        }
        r.setCurrentLeaderId(p.leaderId()).setCurrentLeaderEpoch(p.leaderEpoch());
        if (!p.isLeader()) {
            r.setErrorMessage("broker does not lead " + tp(fp) + "; broker " + p.leaderId() + " does");
            return ErrorCode.NOT_LEADER_OR_FOLLOWER;
        }
        ErrorCode epoch = LeaderEpochCheck.check(fp.getCurrentLeaderEpoch(), p.leaderEpoch());
        if (epoch != ErrorCode.NONE) {
            r.setErrorMessage(LeaderEpochCheck.describe(fp.getCurrentLeaderEpoch(), p.leaderEpoch()));
        }
        return epoch;
    }

    /** A region of a segment file that the log keeps open: releasing it must not close the channel. */
    private static final class SharedFileRegion extends DefaultFileRegion {
        SharedFileRegion(java.nio.channels.FileChannel channel, long position, long count) {
            super(channel, position, count);
        }

        @Override
        protected void deallocate() {
            // The segment owns the channel.
        }
    }
}
