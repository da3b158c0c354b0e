package io.sluice.client;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.MessageLite;
import com.google.protobuf.Parser;
import io.netty.buffer.ByteBuf;
import io.sluice.protocol.ErrorCode;
import io.sluice.protocol.SluiceException;
import io.sluice.protocol.rpc.ApiKey;
import io.sluice.protocol.wire.Frames;
import io.sluice.protocol.wire.ResponseFrame;
import java.util.concurrent.CompletableFuture;

/**
 * How the client's components reach brokers: one request to one node, answered by a future. The
 * real implementation is {@link NetworkClient}; tests substitute a fake that answers from a script,
 * which is what lets the producer's sender and the consumer's fetcher be stepped without sockets.
 *
 * <p>Implementations are thread-safe. Futures may complete on an I/O thread: callers must not block
 * in their continuations.
 */
public interface Network extends AutoCloseable {
    /**
     * Sends one request. {@code raw} (record batches, may be null) is released by this call whether or
     * not it is sent. The response frame must be released by the caller. Connection problems fail the
     * future with a NETWORK_EXCEPTION {@link SluiceException}.
     */
    CompletableFuture<ResponseFrame> send(Node node, ApiKey api, MessageLite body, ByteBuf raw, long timeoutMs);

    /** Sends a request without raw bytes and parses the response body (see {@link #parse}). */
    default <R> CompletableFuture<R> call(Node node, ApiKey api, MessageLite body, Parser<R> parser, long timeoutMs) {
        return send(node, api, body, null, timeoutMs).thenApply(frame -> {
            try {
                return parse(node, api, frame, parser);
            } finally {
                frame.release();
            }
        });
    }

    /** Whether a connection to the node is open now (no connect needed to send to it). */
    boolean isConnected(Node node);

    @Override
    void close();

    /**
     * Parses a response body, turning a whole-request error in the header into a {@link SluiceException}.
     * Does not release the frame.
     */
    static <R> R parse(Node node, ApiKey api, ResponseFrame frame, Parser<R> parser) {
        ErrorCode error = frame.header().getError();
        if (error != ErrorCode.NONE) {
            throw new SluiceException(error, api + " request to " + node + " failed: "
                    + io.sluice.protocol.Errors.describe(error, frame.header().getErrorMessage()));
        }
        try {
            return Frames.parse(frame.body(), parser);
        } catch (InvalidProtocolBufferException e) {
            throw new SluiceException(ErrorCode.MALFORMED_REQUEST, "malformed " + api + " response from " + node
                    + ": " + e.getMessage(), e);
        }
    }
}
