package io.sluice.kafka.codec;

import io.netty.handler.codec.LengthFieldBasedFrameDecoder;

/**
 * Splits a Kafka connection's bytes into request frames: a 4-byte size, then that many bytes (the
 * size is stripped). A negative size or one above the broker's limit ({@code max.frame.bytes},
 * Kafka's {@code socket.request.max.bytes}) fails the connection before any of it is buffered.
 */
public final class KafkaFrameDecoder extends LengthFieldBasedFrameDecoder {
    public KafkaFrameDecoder(int maxFrameBytes) {
        super(maxFrameBytes, 0, 4, 0, 4, true);
    }
}
