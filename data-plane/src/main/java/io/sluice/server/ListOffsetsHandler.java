package io.sluice.server;

import io.sluice.network.RequestContext;
import io.sluice.network.RequestHandler;
import io.sluice.network.Response;
import io.sluice.protocol.ErrorCode;
import io.sluice.protocol.rpc.ListOffsetsPartition;
import io.sluice.protocol.rpc.ListOffsetsPartitionResponse;
import io.sluice.protocol.rpc.ListOffsetsRequest;
import io.sluice.protocol.rpc.ListOffsetsResponse;
import io.sluice.protocol.wire.Frames;
import io.sluice.protocol.wire.RequestFrame;
import io.sluice.replication.ListOffsetsService;
import io.sluice.protocol.TopicPartition;
import java.util.concurrent.CompletableFuture;

/** ListOffsets over the native protocol: a translation to {@link ListOffsetsService}. Stateless. */
final class ListOffsetsHandler implements RequestHandler {
    private final ListOffsetsService offsets;

    ListOffsetsHandler(ListOffsetsService offsets) {
        this.offsets = offsets;
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
            ListOffsetsService.Result r = offsets.lookup(new TopicPartition(lp.getTopic(), lp.getPartition()),
                    lp.getTimestamp(), lp.getCurrentLeaderEpoch(), request.getReplicaId() >= 0);
            ListOffsetsPartitionResponse.Builder p = ListOffsetsPartitionResponse.newBuilder()
                    .setTopic(lp.getTopic()).setPartition(lp.getPartition())
                    .setTimestamp(r.timestamp()).setOffset(r.offset());
            if (r.error() != ErrorCode.NONE) {
                p.setError(r.error()).setErrorMessage(r.message());
            } else {
                p.setLeaderEpoch(r.leaderEpoch());
            }
            response.addPartitions(p);
        }
        return CompletableFuture.completedFuture(Response.of(response.build()));
    }
}
