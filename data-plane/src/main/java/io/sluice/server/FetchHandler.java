package io.sluice.server;

import io.netty.channel.FileRegion;
import io.sluice.network.RequestContext;
import io.sluice.network.RequestHandler;
import io.sluice.network.Response;
import io.sluice.protocol.ErrorCode;
import io.sluice.protocol.rpc.EpochEndOffset;
import io.sluice.protocol.rpc.FetchPartition;
import io.sluice.protocol.rpc.FetchPartitionResponse;
import io.sluice.protocol.rpc.FetchRequest;
import io.sluice.protocol.rpc.FetchResponse;
import io.sluice.protocol.wire.Frames;
import io.sluice.protocol.wire.RequestFrame;
import io.sluice.replication.FetchService;
import io.sluice.protocol.TopicPartition;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Fetch over the native protocol: translates the request into {@link FetchService#fetch} (which holds
 * every rule, consumers' and followers') and its answer back; log bytes go out as file regions after
 * the body. Stateless; runs on the event loop.
 */
final class FetchHandler implements RequestHandler {
    private final FetchService fetch;

    FetchHandler(FetchService fetch) {
        this.fetch = fetch;
    }

    @Override
    public CompletableFuture<Response> handle(RequestContext ctx, RequestFrame frame) throws Exception {
        FetchRequest request;
        try {
            request = Frames.parse(frame.body(), FetchRequest.parser());
        } finally {
            frame.release();
        }
        List<FetchService.PartitionFetch> partitions = new ArrayList<>(request.getPartitionsCount());
        for (FetchPartition fp : request.getPartitionsList()) {
            partitions.add(new FetchService.PartitionFetch(new TopicPartition(fp.getTopic(), fp.getPartition()),
                    fp.getFetchOffset(), fp.getCurrentLeaderEpoch(), fp.getLastFetchedEpoch(), fp.getPartitionMaxBytes()));
        }
        FetchService.FetchParams params = new FetchService.FetchParams(request.getReplicaId(), request.getMaxWaitMs(),
                request.getMinBytes(), request.getMaxBytes(), partitions);
        return fetch.fetch(params).thenApply(FetchHandler::toResponse);
    }

    private static Response toResponse(List<FetchService.PartitionData> data) {
        FetchResponse.Builder body = FetchResponse.newBuilder();
        List<FileRegion> regions = new ArrayList<>();
        for (FetchService.PartitionData d : data) {
            FetchPartitionResponse.Builder r = FetchPartitionResponse.newBuilder()
                    .setTopic(d.tp().topic()).setPartition(d.tp().partition());
            if (d.leaderId() >= 0) {
                r.setCurrentLeaderId(d.leaderId());
            }
            if (d.leaderEpoch() >= 0) {
                r.setCurrentLeaderEpoch(d.leaderEpoch());
            }
            if (d.error() != ErrorCode.NONE) {
                body.addPartitions(r.setError(d.error()).setErrorMessage(d.message() == null ? "" : d.message()));
                continue;
            }
            r.setHighWatermark(d.highWatermark()).setLogStartOffset(d.logStartOffset()).setLogEndOffset(d.logEndOffset());
            if (d.diverging() != null) {
                r.setDivergingEpoch(EpochEndOffset.newBuilder()
                        .setEpoch(d.diverging().epoch()).setEndOffset(d.diverging().endOffset()));
            }
            if (d.records() != null) {
                regions.add(new SegmentRegion(d.records()));
                r.setRecordsSize(d.recordsSize());
            }
            body.addPartitions(r);
        }
        return Response.withRegions(body.build(), regions);
    }
}
