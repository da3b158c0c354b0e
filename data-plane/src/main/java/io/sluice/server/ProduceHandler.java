package io.sluice.server;

import io.netty.buffer.ByteBuf;
import io.sluice.network.RequestContext;
import io.sluice.network.RequestHandler;
import io.sluice.network.Response;
import io.sluice.protocol.ErrorCode;
import io.sluice.protocol.rpc.ProducePartition;
import io.sluice.protocol.rpc.ProducePartitionResponse;
import io.sluice.protocol.rpc.ProduceRequest;
import io.sluice.protocol.rpc.ProduceResponse;
import io.sluice.protocol.wire.Frames;
import io.sluice.protocol.wire.RequestFrame;
import io.sluice.replication.ProduceService;
import io.sluice.protocol.TopicPartition;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Produce over the native protocol: translates the request into {@link ProduceService#append} (which
 * holds every rule) and its results back. The log copies the batches during the call, so the frame is
 * released as soon as it returns. Stateless; runs on the event loop.
 */
final class ProduceHandler implements RequestHandler {
    private final ProduceService produce;

    ProduceHandler(ProduceService produce) {
        this.produce = produce;
    }

    @Override
    public CompletableFuture<Response> handle(RequestContext ctx, RequestFrame frame) throws Exception {
        ProduceRequest request;
        List<ProduceService.PartitionRecords> partitions = new ArrayList<>();
        List<ProduceService.PartitionResult> malformed = new ArrayList<>();
        try {
            request = Frames.parse(frame.body(), ProduceRequest.parser());
            ByteBuf raw = frame.raw();
            for (ProducePartition pp : request.getPartitionsList()) {
                TopicPartition tp = new TopicPartition(pp.getTopic(), pp.getPartition());
                if (pp.getRecordsSize() < 0 || pp.getRecordsSize() > raw.readableBytes()) {
                    malformed.add(new ProduceService.PartitionResult(tp, ErrorCode.CORRUPT_MESSAGE, "records_size "
                            + pp.getRecordsSize() + " overruns the request (" + raw.readableBytes() + " bytes left)",
                            -1, -1, -1, -1, -1));
                    continue;
                }
                partitions.add(new ProduceService.PartitionRecords(tp, raw.readSlice(pp.getRecordsSize()).nioBuffer()));
            }
            // The log appends synchronously inside append(): the slices are read before the frame is released.
            CompletableFuture<List<ProduceService.PartitionResult>> results =
                    produce.append(request.getAcks(), request.getTimeoutMs(), partitions);
            return results.thenApply(list -> Response.of(build(malformed, list)));
        } finally {
            frame.release();
        }
    }

    private static ProduceResponse build(List<ProduceService.PartitionResult> malformed,
                                         List<ProduceService.PartitionResult> results) {
        ProduceResponse.Builder response = ProduceResponse.newBuilder();
        for (List<ProduceService.PartitionResult> list : List.of(malformed, results)) {
            for (ProduceService.PartitionResult r : list) {
                ProducePartitionResponse.Builder p = ProducePartitionResponse.newBuilder()
                        .setTopic(r.tp().topic()).setPartition(r.tp().partition())
                        .setLogAppendTimeMs(r.logAppendTime()).setLogStartOffset(r.logStartOffset());
                if (r.error() != ErrorCode.NONE) {
                    p.setError(r.error()).setErrorMessage(r.message() == null ? "" : r.message());
                } else {
                    p.setBaseOffset(r.baseOffset());
                }
                if (r.currentLeaderId() >= 0) {
                    p.setCurrentLeaderId(r.currentLeaderId()).setCurrentLeaderEpoch(r.currentLeaderEpoch());
                }
                response.addPartitions(p);
            }
        }
        return response.build();
    }
}
