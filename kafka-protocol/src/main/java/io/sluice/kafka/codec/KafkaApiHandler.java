package io.sluice.kafka.codec;

import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.protocol.ApiMessage;

/**
 * Serves one Kafka API: translates its request message into calls on the broker's services and their
 * answers into the response message. Called on the connection's event loop, so it must not block.
 * Record bytes in the request (a produce's batches) are valid only during the call. A future that
 * completes with null sends no response (a produce with {@code acks=0}); one that fails becomes the
 * API's error response with the matching Kafka error code, except with {@link CloseConnection}, which
 * closes the connection once the responses before it are written.
 */
@FunctionalInterface
public interface KafkaApiHandler<T extends ApiMessage> {
    CompletableFuture<? extends ApiMessage> handle(KafkaRequest request, T data) throws Exception;

    /**
     * Fails a handler's future to close the connection instead of answering: Kafka's way to tell an
     * {@code acks=0} producer that a write failed (it then refreshes its metadata and reconnects).
     */
    final class CloseConnection extends RuntimeException {
        public CloseConnection(String why) {
            super(why, null, false, false);
        }
    }
}
