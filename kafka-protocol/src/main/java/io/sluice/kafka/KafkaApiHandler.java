package io.sluice.kafka;

import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.protocol.ApiMessage;

/**
 * Serves one Kafka API: translates its request message into calls on the broker's services and their
 * answers into the response message. Called on the connection's event loop, so it must not block.
 * Record bytes in the request (a produce's batches) are valid only during the call. A future that
 * completes with null sends no response (a produce with {@code acks=0}); one that fails becomes the
 * API's error response with the matching Kafka error code.
 */
@FunctionalInterface
public interface KafkaApiHandler<T extends ApiMessage> {
    CompletableFuture<? extends ApiMessage> handle(KafkaRequest request, T data) throws Exception;
}
