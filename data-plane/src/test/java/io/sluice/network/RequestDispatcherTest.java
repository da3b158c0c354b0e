package io.sluice.network;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.MessageLite;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.sluice.protocol.ErrorCode;
import io.sluice.protocol.SluiceException;
import io.sluice.protocol.rpc.ApiKey;
import io.sluice.protocol.rpc.DescribeClusterResponse;
import io.sluice.protocol.rpc.MetadataRequest;
import io.sluice.protocol.rpc.RequestHeader;
import io.sluice.protocol.wire.FrameDecoder;
import io.sluice.protocol.wire.Frames;
import io.sluice.protocol.wire.ResponseFrame;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(10)
class RequestDispatcherTest {
    private static final int MAX_FRAME = 1024;

    private final RequestHandler echoClusterId = (ctx, request) -> {
        MetadataRequest body = Frames.parse(request.body(), MetadataRequest.parser());
        int raw = request.raw().readableBytes();
        request.release();
        return CompletableFuture.completedFuture(Response.of(DescribeClusterResponse.newBuilder()
                .setClusterId(String.join(",", body.getTopicsList()) + "/" + raw).build()));
    };

    private EmbeddedChannel channel(Map<ApiKey, RequestHandler> handlers) {
        return new EmbeddedChannel(new FrameDecoder(MAX_FRAME), new RequestDispatcher(handlers));
    }

    private static ByteBuf request(ApiKey api, int correlationId, MessageLite body, ByteBuf raw) {
        RequestHeader header = RequestHeader.newBuilder().setApi(api).setCorrelationId(correlationId).build();
        ByteBuf head = Frames.encodeHead(ByteBufAllocator.DEFAULT, header, body, raw == null ? 0 : raw.readableBytes());
        return raw == null ? head : Unpooled.wrappedBuffer(head, raw);
    }

    private static ResponseFrame readResponse(EmbeddedChannel ch) throws Exception {
        ByteBuf out = ch.readOutbound();
        assertEquals(out.readableBytes() - 4, out.readInt(), "length prefix");
        return Frames.decodeResponse(out);
    }

    @Test
    void answersARequestAndPassesTheRawSection() throws Exception {
        EmbeddedChannel ch = channel(Map.of(ApiKey.METADATA, echoClusterId));
        ByteBuf raw = Unpooled.wrappedBuffer(new byte[] {1, 2, 3});
        ch.writeInbound(request(ApiKey.METADATA, 7, MetadataRequest.newBuilder().addTopics("a").addTopics("b").build(), raw));

        ResponseFrame response = readResponse(ch);
        assertEquals(7, response.header().getCorrelationId());
        assertEquals(ErrorCode.NONE, response.header().getError());
        assertEquals("a,b/3", Frames.parse(response.body(), DescribeClusterResponse.parser()).getClusterId());
        response.release();
        assertFalse(ch.finish());
    }

    @Test
    void unknownApiGetsAnErrorResponseAndTheConnectionStaysOpen() throws Exception {
        EmbeddedChannel ch = channel(Map.of(ApiKey.METADATA, echoClusterId));
        ch.writeInbound(request(ApiKey.FETCH, 3, MetadataRequest.getDefaultInstance(), null));

        ResponseFrame response = readResponse(ch);
        assertEquals(3, response.header().getCorrelationId());
        assertEquals(ErrorCode.UNKNOWN_API, response.header().getError());
        assertTrue(response.header().getErrorMessage().contains("FETCH"));
        response.release();
        assertTrue(ch.isActive());
        ch.finishAndReleaseAll();
    }

    @Test
    void malformedBodyGetsMalformedRequest() throws Exception {
        EmbeddedChannel ch = channel(Map.of(ApiKey.METADATA, echoClusterId));
        RequestHeader header = RequestHeader.newBuilder().setApi(ApiKey.METADATA).setCorrelationId(9).build();
        ByteBuf frame = Unpooled.buffer();
        byte[] headerBytes = header.toByteArray();
        byte[] garbageBody = {(byte) 0xFF, (byte) 0xFF, (byte) 0xFF};
        frame.writeInt(1 + headerBytes.length + 1 + garbageBody.length);
        frame.writeByte(headerBytes.length).writeBytes(headerBytes);
        frame.writeByte(garbageBody.length).writeBytes(garbageBody);
        ch.writeInbound(frame);

        ResponseFrame response = readResponse(ch);
        assertEquals(ErrorCode.MALFORMED_REQUEST, response.header().getError());
        response.release();
        assertTrue(ch.isActive());
        ch.finishAndReleaseAll();
    }

    @Test
    void handlerFailureBecomesItsErrorCode() throws Exception {
        RequestHandler refusing = (ctx, request) -> {
            request.release();
            return CompletableFuture.failedFuture(new SluiceException(ErrorCode.NOT_CONTROLLER, "ask node 2"));
        };
        EmbeddedChannel ch = channel(Map.of(ApiKey.METADATA, refusing));
        ch.writeInbound(request(ApiKey.METADATA, 1, MetadataRequest.getDefaultInstance(), null));

        ResponseFrame response = readResponse(ch);
        assertEquals(ErrorCode.NOT_CONTROLLER, response.header().getError());
        assertEquals("ask node 2", response.header().getErrorMessage());
        response.release();
        ch.finishAndReleaseAll();
    }

    @Test
    void oversizedFrameClosesTheConnection() {
        EmbeddedChannel ch = channel(Map.of(ApiKey.METADATA, echoClusterId));
        ByteBuf frame = Unpooled.buffer().writeInt(MAX_FRAME + 1).writeBytes(new byte[16]);
        ch.writeInbound(frame);
        assertFalse(ch.isActive());
        assertNull(ch.readOutbound());
        ch.finishAndReleaseAll();
    }

    @Test
    void unreadableHeaderClosesTheConnection() {
        EmbeddedChannel ch = channel(Map.of(ApiKey.METADATA, echoClusterId));
        ByteBuf frame = Unpooled.buffer().writeInt(2).writeByte(100).writeByte(1);
        ch.writeInbound(frame);
        assertFalse(ch.isActive());
        ch.finishAndReleaseAll();
    }
}
