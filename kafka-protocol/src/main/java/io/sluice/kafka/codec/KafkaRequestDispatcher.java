package io.sluice.kafka.codec;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.sluice.network.RequestMetrics;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.apache.kafka.common.errors.UnsupportedVersionException;
import org.apache.kafka.common.message.ApiVersionsResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.ByteBufferAccessor;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.AbstractRequest;
import org.apache.kafka.common.requests.RequestHeader;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The last handler of a Kafka connection: parses each frame's header and body with Kafka's message
 * classes, runs the API's handler, and writes the responses in request order, as Kafka clients expect
 * (handlers may complete out of order; a response waits for those before it).
 *
 * <p>Bad input never takes the node down and never changes data: an ApiVersions request of a version
 * this broker does not know gets the v0 answer with UNSUPPORTED_VERSION and the supported ranges (as
 * Kafka does, so the client can pick); a header that cannot be parsed, an unknown API or an unsupported
 * version of another API, or a body that does not parse closes the connection, as Kafka does. One
 * instance per connection; runs on its event loop.
 */
public final class KafkaRequestDispatcher extends ChannelInboundHandlerAdapter {
    private static final Logger log = LoggerFactory.getLogger(KafkaRequestDispatcher.class);
    private final KafkaApis apis;
    private final RequestMetrics.Recorder metrics;
    private final ArrayDeque<Pending> inFlight = new ArrayDeque<>();

    /** A request whose response is not written yet. */
    private record Pending(RequestHeader header, CompletableFuture<ApiMessage> response) {
    }

    public KafkaRequestDispatcher(KafkaApis apis, RequestMetrics.Recorder metrics) {
        this.apis = apis;
        this.metrics = metrics;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        ByteBuf frame = (ByteBuf) msg;
        try {
            dispatch(ctx, frame);
        } finally {
            frame.release(); // handlers are done with the request bytes when handle() returns
        }
    }

    private void dispatch(ChannelHandlerContext ctx, ByteBuf frame) {
        long start = System.nanoTime();
        ByteBuffer buffer = frame.nioBuffer();
        RequestHeader header;
        try {
            header = RequestHeader.parse(buffer);
        } catch (RuntimeException e) {
            close(ctx, "unreadable Kafka request header (" + e.getMessage() + ")");
            return;
        }
        ApiKeys key = header.apiKey();
        short version = header.apiVersion();
        KafkaApis.Api api = apis.get(key);
        if (key == ApiKeys.API_VERSIONS && (api == null || !api.handles(version))) {
            // Kafka's rule: answer with v0, which every client can read, listing what is supported.
            ApiVersionsResponseData unsupported = new ApiVersionsResponseData()
                    .setErrorCode(Errors.UNSUPPORTED_VERSION.code()).setApiKeys(apis.versions());
            enqueue(ctx, header, CompletableFuture.completedFuture(unsupported), start);
            return;
        }
        if (api == null || !api.handles(version)) {
            close(ctx, api == null ? "API " + key + " is not served by this broker"
                    : key + " version " + version + " is not supported (" + api.handledMin() + "-" + api.max() + ")");
            return;
        }
        AbstractRequest request;
        try {
            request = AbstractRequest.parseRequest(key, version, new ByteBufferAccessor(buffer)).request;
        } catch (RuntimeException e) {
            close(ctx, "malformed " + key + " v" + version + " request (" + e.getMessage() + ")");
            return;
        }
        CompletableFuture<ApiMessage> response;
        try {
            @SuppressWarnings("unchecked")
            KafkaApiHandler<ApiMessage> handler = (KafkaApiHandler<ApiMessage>) api.handler();
            response = handler.handle(new KafkaRequest(header, ctx.channel().remoteAddress()), request.data())
                    .thenApply(m -> (ApiMessage) m);
        } catch (Exception e) {
            response = CompletableFuture.failedFuture(e);
        }
        response = response.exceptionally(error -> {
            if (unwrap(error) instanceof KafkaApiHandler.CloseConnection close) {
                throw close; // drain() closes the connection when it reaches this request
            }
            return errorResponse(request, header, error);
        });
        enqueue(ctx, header, response, start);
    }

    /** The API's own error response for a handler that failed, with the Kafka error that matches the cause. */
    private static Throwable unwrap(Throwable error) {
        return error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
    }

    private static ApiMessage errorResponse(AbstractRequest request, RequestHeader header, Throwable error) {
        Throwable cause = unwrap(error);
        Errors mapped = Errors.forException(cause);
        if (mapped == Errors.UNKNOWN_SERVER_ERROR) {
            log.error("{} request {} from client '{}' failed", header.apiKey(), header.correlationId(),
                    header.clientId(), cause);
        }
        return request.getErrorResponse(0, mapped.exception(cause.getMessage())).data();
    }

    private void enqueue(ChannelHandlerContext ctx, RequestHeader header, CompletableFuture<ApiMessage> response,
                         long start) {
        Pending pending = new Pending(header, response);
        inFlight.add(pending);
        response.whenComplete((m, e) -> {
            metrics.record(header.apiKey(), System.nanoTime() - start);
            if (ctx.executor().inEventLoop()) {
                drain(ctx);
            } else {
                ctx.executor().execute(() -> drain(ctx));
            }
        });
    }

    /** Writes every completed response at the head of the queue, in request order. */
    private void drain(ChannelHandlerContext ctx) {
        boolean wrote = false;
        while (!inFlight.isEmpty() && inFlight.peek().response().isDone()) {
            Pending p = inFlight.poll();
            ApiMessage body;
            try {
                body = p.response().join();
            } catch (CompletionException e) { // only KafkaApiHandler.CloseConnection gets here
                if (wrote) {
                    ctx.flush();
                }
                inFlight.clear();
                close(ctx, unwrap(e).getMessage());
                return;
            }
            if (body == null || !ctx.channel().isActive()) {
                continue; // acks=0, or the client is gone
            }
            RequestHeader h = p.header();
            short version = unsupportedApiVersions(h, body) ? 0 : h.apiVersion();
            short headerVersion = version == 0 && h.apiKey() == ApiKeys.API_VERSIONS
                    ? 0 : h.apiKey().responseHeaderVersion(version);
            List<Object> chunks = ResponseWriter.encode(ctx.alloc(), h.correlationId(), headerVersion, body, version);
            for (Object chunk : chunks) {
                ctx.write(chunk);
            }
            wrote = true;
        }
        if (wrote) {
            ctx.flush();
        }
    }

    private boolean unsupportedApiVersions(RequestHeader h, ApiMessage body) {
        if (h.apiKey() != ApiKeys.API_VERSIONS) {
            return false;
        }
        KafkaApis.Api api = apis.get(ApiKeys.API_VERSIONS);
        return api == null || !api.handles(h.apiVersion());
    }

    private static void close(ChannelHandlerContext ctx, String why) {
        log.info("Closing Kafka connection from {}: {}", ctx.channel().remoteAddress(), why);
        ctx.close();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        inFlight.clear(); // responses that complete later are dropped: the channel is inactive
        ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (cause instanceof UnsupportedVersionException || cause instanceof io.netty.handler.codec.DecoderException) {
            close(ctx, cause.getMessage());
        } else if (cause instanceof java.io.IOException) {
            log.debug("Kafka connection from {} failed: {}", ctx.channel().remoteAddress(), cause.toString());
            ctx.close();
        } else {
            log.warn("Closing Kafka connection from {}", ctx.channel().remoteAddress(), cause);
            ctx.close();
        }
    }
}
