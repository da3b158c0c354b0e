package io.sluice.network;

import io.sluice.protocol.wire.RequestFrame;
import java.util.concurrent.CompletableFuture;

/**
 * Handles one API. Called on the connection's event loop, so it must not block: anything slow (a Raft
 * commit, waiting for a high watermark) completes the future later. The handler owns the frame and
 * releases it when done with its bytes. A future that fails with a
 * {@link io.sluice.protocol.SluiceException} becomes an error response with its code and message.
 */
@FunctionalInterface
public interface RequestHandler {
    CompletableFuture<Response> handle(RequestContext context, RequestFrame request) throws Exception;
}
