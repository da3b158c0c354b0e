package io.sluice.server;

import io.netty.buffer.ByteBuf;
import io.sluice.metadata.image.MetadataImage;
import io.sluice.protocol.ErrorCode;
import io.sluice.protocol.rpc.ProducePartition;
import io.sluice.protocol.rpc.ProducePartitionResponse;
import io.sluice.protocol.rpc.ProduceRequest;
import io.sluice.protocol.rpc.ProduceResponse;
import io.sluice.protocol.wire.Frames;
import io.sluice.protocol.wire.RequestFrame;
import io.sluice.replication.Partition;
import io.sluice.replication.ReplicaManager;
import io.sluice.server.purgatory.DelayedOperation;
import io.sluice.storage.LogAppendResult;
import io.sluice.storage.TopicPartition;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Produce: validates and appends each partition's batches as they arrived (no re-encoding), then
 * answers when the acknowledgement the producer asked for holds: {@code acks=0} at once, {@code acks=1}
 * once the leader's copy is durable, {@code acks=all} once the high watermark (durable on every ISR
 * member) passes the batch. Runs on the event loop; waiting happens in the produce purgatory.
 */
final class ProduceHandler implements RequestHandler {
    private final ReplicaManager replicas;

    ProduceHandler(ReplicaManager replicas) {
        this.replicas = replicas;
    }

    /** One partition's outcome, and the min.insync.replicas its acks=all acknowledgement needs. */
    private record Outcome(ProducePartition request, Partition partition, LogAppendResult result, int minIsr) {
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

    @Override
    public CompletableFuture<Response> handle(RequestContext ctx, RequestFrame frame) throws Exception {
        List<Outcome> outcomes = new ArrayList<>();
        ProduceRequest request;
        try {
            request = Frames.parse(frame.body(), ProduceRequest.parser());
            int acks = request.getAcks();
            ByteBuf raw = frame.raw();
            for (ProducePartition pp : request.getPartitionsList()) {
                if (pp.getRecordsSize() < 0 || pp.getRecordsSize() > raw.readableBytes()) {
                    outcomes.add(failed(pp, ErrorCode.CORRUPT_MESSAGE, "records_size " + pp.getRecordsSize()
                            + " overruns the request (" + raw.readableBytes() + " bytes left)"));
                    continue;
                }
                ByteBuf records = raw.readSlice(pp.getRecordsSize());
                if (acks != 0 && acks != 1 && acks != -1) {
                    outcomes.add(failed(pp, ErrorCode.INVALID_REQUIRED_ACKS, "acks must be 0, 1 or -1 (all), not " + acks));
                    continue;
                }
                outcomes.add(append(pp, records, acks));
            }
        } finally {
            frame.release();
        }
        CompletableFuture<Response> response = new CompletableFuture<>();
        int acks = request.getAcks();
        List<TopicPartition> waitingOn = new ArrayList<>();
        for (Outcome o : outcomes) {
            if (o.result().succeeded() && o.partition() != null) {
                replicas.wake(o.partition().topicPartition()); // followers' parked fetches
            }
            if (o.waiting(acks) && !waitingOn.contains(o.partition().topicPartition())) {
                waitingOn.add(o.partition().topicPartition()); // a partition may repeat in one request
            }
        }
        if (waitingOn.isEmpty()) {
            response.complete(Response.of(build(outcomes, acks, false)));
        } else {
            replicas.producePurgatory().tryCompleteElseWatch(new DelayedOperation<>(waitingOn) {
                @Override
                protected boolean canComplete() {
                    return outcomes.stream().noneMatch(o -> o.waiting(acks));
                }

                @Override
                protected void onComplete() {
                    response.complete(Response.of(build(outcomes, acks, isExpired())));
                }
            }, Math.max(1, request.getTimeoutMs()));
        }
        return response;
    }

    private Outcome append(ProducePartition pp, ByteBuf records, int acks) throws Exception {
        TopicPartition tp = new TopicPartition(pp.getTopic(), pp.getPartition());
        Partition partition = replicas.partition(tp).orElse(null);
        if (partition == null) {
            return failed(pp, unknownOrNotHere(tp), "this broker holds no replica of " + tp);
        }
        int minIsr = replicas.defaults().minInsyncReplicas(replicas.image().configs().topicConfig(tp.topic()),
                partition.replicaCount());
        LogAppendResult result = partition.appendAsLeader(records.nioBuffer(), acks, minIsr);
        return new Outcome(pp, partition, result, minIsr);
    }

    private ErrorCode unknownOrNotHere(TopicPartition tp) {
        MetadataImage image = replicas.image();
        var topic = image.topics().topic(tp.topic());
        return topic == null || topic.partition(tp.partition()) == null
                ? ErrorCode.UNKNOWN_TOPIC_OR_PARTITION : ErrorCode.NOT_LEADER_OR_FOLLOWER;
    }

    private static Outcome failed(ProducePartition pp, ErrorCode code, String message) {
        return new Outcome(pp, null, new LogAppendResult(code, message, -1, -1, -1, -1, -1, false), 0);
    }

    private ProduceResponse build(List<Outcome> outcomes, int acks, boolean expired) {
        ProduceResponse.Builder response = ProduceResponse.newBuilder();
        for (Outcome o : outcomes) {
            LogAppendResult r = o.result();
            ProducePartitionResponse.Builder p = ProducePartitionResponse.newBuilder()
                    .setTopic(o.request().getTopic()).setPartition(o.request().getPartition())
                    .setLogAppendTimeMs(r.logAppendTime()).setLogStartOffset(r.logStartOffset());
            if (!r.succeeded()) {
                p.setError(r.error()).setErrorMessage(r.errorMessage() == null ? "" : r.errorMessage());
            } else if (!o.satisfied(acks)) {
                if (!o.partition().isLeader()) {
                    p.setError(ErrorCode.NOT_LEADER_OR_FOLLOWER).setErrorMessage("leadership of "
                            + o.partition().topicPartition() + " moved before the write was acknowledged; retry");
                } else {
                    p.setError(ErrorCode.REQUEST_TIMED_OUT).setErrorMessage(expired
                            ? "the write was not replicated to every in-sync replica in time; retry"
                            : "the write was not acknowledged");
                }
            } else if (o.tooFewCopies(acks)) {
                p.setError(ErrorCode.NOT_ENOUGH_REPLICAS_AFTER_APPEND).setErrorMessage("the write reached the log of "
                        + o.partition().topicPartition() + " but its in-sync replicas shrank to " + o.partition().isr()
                        + ", fewer than min.insync.replicas=" + o.minIsr() + ", before it was acknowledged; retry");
            } else {
                p.setBaseOffset(r.firstOffset());
            }
            if (o.partition() != null && p.getError() == ErrorCode.NOT_LEADER_OR_FOLLOWER) {
                p.setCurrentLeaderId(o.partition().leaderId()).setCurrentLeaderEpoch(o.partition().leaderEpoch());
            } else if (p.getError() == ErrorCode.NOT_LEADER_OR_FOLLOWER) {
                hint(p, o.request());
            }
            response.addPartitions(p);
        }
        return response.build();
    }

    private void hint(ProducePartitionResponse.Builder p, ProducePartition pp) {
        var topic = replicas.image().topics().topic(pp.getTopic());
        var reg = topic == null ? null : topic.partition(pp.getPartition());
        if (reg != null) {
            p.setCurrentLeaderId(reg.leader()).setCurrentLeaderEpoch(reg.leaderEpoch());
        }
    }
}
