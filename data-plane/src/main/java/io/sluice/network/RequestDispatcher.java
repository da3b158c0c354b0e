package io.sluice.network;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.TooLongFrameException;
import io.sluice.protocol.ErrorCode;
import io.sluice.protocol.SluiceException;
import io.sluice.protocol.rpc.ApiKey;
import io.sluice.protocol.rpc.ResponseHeader;
import io.sluice.protocol.wire.Frames;
import io.sluice.protocol.wire.RequestFrame;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The last handler of a connection's pipeline: decodes a frame into a request, runs the API's handler
 * and writes its response (head buffer, then the raw buffer or file regions) when it completes.
 * Responses may complete out of request order; clients match them by correlation id.
 *
 * <p>Bad input never takes the node down: an unknown API or a malformed body gets an error response;
 * a frame whose header cannot be read, or one above the size limit, closes the connection.
 * Sharable and stateless; runs on the connection's event loop.
 */
@io.netty.channel.ChannelHandler.Sharable
public final class RequestDispatcher extends ChannelInboundHandlerAdapter {
    private static final Logger log = LoggerFactory.getLogger(RequestDispatcher.class);
    private final Map<ApiKey, RequestHandler> handlers;
    private final RequestMetrics.Recorder metrics;

    public RequestDispatcher(Map<ApiKey, RequestHandler> handlers) {
        this(handlers, RequestMetrics.NONE.forProtocol("sluice", ApiKey.values()));
    }

    public RequestDispatcher(Map<ApiKey, RequestHandler> handlers, RequestMetrics.Recorder metrics) {
        this.handlers = Map.copyOf(handlers);
        this.metrics = metrics;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        RequestFrame request;
        try {
            request = Frames.decodeRequest((ByteBuf) msg);
        } catch (Exception e) {
            log.warn("Closing connection from {}: unreadable request header ({})", ctx.channel().remoteAddress(),
                    e.getMessage());
            ctx.close();
            return;
        }
        long start = System.nanoTime();
        int correlationId = request.header().getCorrelationId();
        ApiKey api = request.header().getApi();
        NativeSession session = NativeSession.of(ctx.channel());
        if (!session.authenticated() && api != ApiKey.SASL_HANDSHAKE && api != ApiKey.SASL_AUTHENTICATE) {
            // As Kafka: before SASL completes nothing else is served, and nothing is answered to a stranger.
            request.release();
            log.info("Closing connection from {}: {} before SASL authentication completed", ctx.channel().remoteAddress(),
                    api);
            ctx.close();
            return;
        }
        RequestHandler handler = handlers.get(api);
        if (handler == null) {
            request.release();
            writeError(ctx, correlationId, ErrorCode.UNKNOWN_API, "this node does not serve API "
                    + request.header().getApi() + " (" + request.header().getApiValue() + ")");
            return;
        }
        CompletableFuture<Response> result;
        try {
            result = handler.handle(new RequestContext(request.header(), ctx.channel().remoteAddress(), session,
                    ctx.channel()), request);
        } catch (Exception e) {
            result = CompletableFuture.failedFuture(e);
        }
        result.whenComplete((response, error) -> {
            metrics.record(api, System.nanoTime() - start);
            if (ctx.executor().inEventLoop()) {
                respond(ctx, session, correlationId, response, error);
            } else {
                ctx.executor().execute(() -> respond(ctx, session, correlationId, response, error));
            }
        });
    }

    private void respond(ChannelHandlerContext ctx, NativeSession session, int correlationId, Response response,
                         Throwable error) {
        write(ctx, correlationId, response, error);
        if (session.state() == NativeSession.State.FAILED) {
            ctx.writeAndFlush(io.netty.buffer.Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
        }
    }

    private void write(ChannelHandlerContext ctx, int correlationId, Response response, Throwable error) {
        if (error != null) {
            Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
            if (cause instanceof SluiceException se) {
                writeError(ctx, correlationId, se.code(), se.getMessage());
            } else if (cause instanceof com.google.protobuf.InvalidProtocolBufferException) {
                writeError(ctx, correlationId, ErrorCode.MALFORMED_REQUEST, "malformed request body: " + cause.getMessage());
            } else {
                log.error("Request {} from {} failed", correlationId, ctx.channel().remoteAddress(), cause);
                writeError(ctx, correlationId, ErrorCode.UNKNOWN_SERVER_ERROR, "internal error: " + cause);
            }
            return;
        }
        if (!ctx.channel().isActive()) {
            response.release();
            return;
        }
        ResponseHeader header = ResponseHeader.newBuilder().setCorrelationId(correlationId).build();
        ctx.write(Frames.encodeHead(ctx.alloc(), header, response.body(), response.rawBytes()));
        if (response.raw() != null) {
            ctx.write(response.raw());
        }
        for (var region : response.regions()) {
            ctx.write(region);
        }
        ctx.flush();
    }

    private static void writeError(ChannelHandlerContext ctx, int correlationId, ErrorCode code, String message) {
        ResponseHeader header = Frames.errorHeader(correlationId, code, message);
        ctx.writeAndFlush(Frames.encodeHead(ctx.alloc(), header, com.google.protobuf.Empty.getDefaultInstance(), 0));
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (cause instanceof TooLongFrameException) {
            log.warn("Closing connection from {}: {}", ctx.channel().remoteAddress(), cause.getMessage());
        } else if (!(cause instanceof java.io.IOException)) {
            log.warn("Closing connection from {} after an error", ctx.channel().remoteAddress(), cause);
        }
        ctx.close();
    }
}
