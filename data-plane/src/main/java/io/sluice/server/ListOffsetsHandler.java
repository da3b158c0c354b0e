package io.sluice.server;

import io.sluice.protocol.ErrorCode;
import io.sluice.protocol.rpc.ListOffsetsPartition;
import io.sluice.protocol.rpc.ListOffsetsPartitionResponse;
import io.sluice.protocol.rpc.ListOffsetsRequest;
import io.sluice.protocol.rpc.ListOffsetsResponse;
import io.sluice.protocol.wire.Frames;
import io.sluice.protocol.wire.RequestFrame;
import io.sluice.replication.Partition;
import io.sluice.replication.ReplicaManager;
import io.sluice.storage.PartitionLog;
import io.sluice.storage.TimestampOffset;
import io.sluice.storage.TopicPartition;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * ListOffsets on the partition leader: earliest (-2) is the log start, latest (-1) the high watermark
 * (what a consumer can read; the log end for a replica), and a timestamp the first offset whose record
 * is at least that new, among the committed records. Stateless; thread-safe.
 */
final class ListOffsetsHandler implements RequestHandler {
    private final ReplicaManager replicas;

    ListOffsetsHandler(ReplicaManager replicas) {
        this.replicas = replicas;
    }

    @Override
    public CompletableFuture<Response> handle(RequestContext ctx, RequestFrame frame) throws Exception {
        ListOffsetsRequest request;
        try {
            request = Frames.parse(frame.body(), ListOffsetsRequest.parser());
        } finally {
            frame.release();
        }
        ListOffsetsResponse.Builder response = ListOffsetsResponse.newBuilder();
        for (ListOffsetsPartition lp : request.getPartitionsList()) {
            response.addPartitions(lookup(lp, request.getReplicaId() >= 0));
        }
        return CompletableFuture.completedFuture(Response.of(response.build()));
    }

    private ListOffsetsPartitionResponse lookup(ListOffsetsPartition lp, boolean replica) throws Exception {
        TopicPartition tp = new TopicPartition(lp.getTopic(), lp.getPartition());
        ListOffsetsPartitionResponse.Builder r = ListOffsetsPartitionResponse.newBuilder()
                .setTopic(lp.getTopic()).setPartition(lp.getPartition()).setTimestamp(-1).setOffset(-1);
        Partition p = replicas.partition(tp).orElse(null);
        if (p == null || !p.isLeader()) {
            var topic = replicas.image().topics().topic(tp.topic());
            boolean exists = topic != null && topic.partition(tp.partition()) != null;
            return r.setError(exists ? ErrorCode.NOT_LEADER_OR_FOLLOWER : ErrorCode.UNKNOWN_TOPIC_OR_PARTITION)
                    .setErrorMessage(exists ? "this broker does not lead " + tp : "topic-partition " + tp + " does not exist")
                    .build();
        }
        ErrorCode epoch = LeaderEpochCheck.check(lp.getCurrentLeaderEpoch(), p.leaderEpoch());
        if (epoch != ErrorCode.NONE) {
            return r.setError(epoch).setErrorMessage(tp + ": "
                    + LeaderEpochCheck.describe(lp.getCurrentLeaderEpoch(), p.leaderEpoch())).build();
        }
        PartitionLog log = p.log();
        long hw = p.highWatermark();
        r.setLeaderEpoch(p.leaderEpoch());
        if (lp.getTimestamp() == PartitionLog.EARLIEST_TIMESTAMP) {
            return r.setOffset(log.logStartOffset()).build();
        }
        if (lp.getTimestamp() == PartitionLog.LATEST_TIMESTAMP) {
            return r.setOffset(replica ? log.logEndOffset() : hw).build();
        }
        if (lp.getTimestamp() < 0) {
            return r.setError(ErrorCode.INVALID_REQUEST).setErrorMessage("timestamp " + lp.getTimestamp()
                    + " is neither -2 (earliest), -1 (latest) nor a time in milliseconds").build();
        }
        Optional<TimestampOffset> found = log.offsetForTimestamp(lp.getTimestamp());
        if (found.isPresent() && found.get().offset() < hw) {
            r.setOffset(found.get().offset()).setTimestamp(found.get().timestamp());
        }
        return r.build();
    }
}
