package io.sluice.client;

import com.google.protobuf.MessageLite;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.sluice.protocol.ErrorCode;
import io.sluice.protocol.SluiceException;
import io.sluice.protocol.rpc.ApiKey;
import io.sluice.protocol.rpc.ResponseHeader;
import io.sluice.protocol.wire.ResponseFrame;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * A {@link Network} that records requests and lets the test answer them by hand, so the sender and the
 * fetcher can be stepped without sockets. Optionally answers METADATA requests itself. Thread-safe.
 */
public final class FakeNetwork implements Network {
    /** One request sent through the fake; raw holds a copy of its raw section. */
    public record Sent(Node node, ApiKey api, MessageLite body, byte[] raw, CompletableFuture<ResponseFrame> future) {
        public void respond(MessageLite response) {
            respond(response, new byte[0]);
        }

        public void respond(MessageLite response, byte[] raw) {
            future.complete(frame(response, raw));
        }

        public void fail(ErrorCode code, String message) {
            future.completeExceptionally(new SluiceException(code, message));
        }
    }

    private final ConcurrentLinkedQueue<Sent> sent = new ConcurrentLinkedQueue<>();
    private volatile MessageLite metadataAnswer;
    private final java.util.Map<ApiKey, java.util.function.Function<Sent, ResponseFrame>> autoAnswers =
            new java.util.concurrent.ConcurrentHashMap<>();

    /** Answers every request of {@code api} with what {@code answer} returns for it. */
    public void autoAnswer(ApiKey api, java.util.function.Function<Sent, ResponseFrame> answer) {
        autoAnswers.put(api, answer);
    }

    /** Answers every METADATA request with this response from now on. */
    public void answerMetadataWith(MessageLite response) {
        this.metadataAnswer = response;
    }

    @Override
    public CompletableFuture<ResponseFrame> send(Node node, ApiKey api, MessageLite body, ByteBuf raw, long timeoutMs) {
        byte[] copy = new byte[raw == null ? 0 : raw.readableBytes()];
        if (raw != null) {
            raw.getBytes(raw.readerIndex(), copy);
            raw.release();
        }
        CompletableFuture<ResponseFrame> future = new CompletableFuture<>();
        if (api == ApiKey.METADATA && metadataAnswer != null) {
            future.complete(frame(metadataAnswer, new byte[0]));
            return future;
        }
        Sent request = new Sent(node, api, body, copy, future);
        java.util.function.Function<Sent, ResponseFrame> auto = autoAnswers.get(api);
        if (auto != null) {
            future.complete(auto.apply(request));
            return future;
        }
        sent.add(request);
        return future;
    }

    /** Takes the requests of one API sent so far, oldest first. */
    public List<Sent> take(ApiKey api) {
        List<Sent> out = new ArrayList<>();
        sent.removeIf(s -> {
            if (s.api() == api) {
                out.add(s);
                return true;
            }
            return false;
        });
        return out;
    }

    @Override
    public boolean isConnected(Node node) {
        return true;
    }

    @Override
    public void close() {
    }

    /** A response frame as the wire layer would hand it over: body and raw are slices of one buffer. */
    public static ResponseFrame frame(MessageLite body, byte[] raw) {
        byte[] bodyBytes = body.toByteArray();
        ByteBuf frame = Unpooled.buffer(bodyBytes.length + raw.length);
        frame.writeBytes(bodyBytes).writeBytes(raw);
        return new ResponseFrame(ResponseHeader.getDefaultInstance(), frame.slice(0, bodyBytes.length),
                frame.slice(bodyBytes.length, raw.length), frame);
    }
}
