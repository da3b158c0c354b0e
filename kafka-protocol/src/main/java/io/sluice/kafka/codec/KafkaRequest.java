package io.sluice.kafka.codec;

import java.net.SocketAddress;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.requests.RequestHeader;

/** Who sent a Kafka request, and with which API version and header; immutable. */
public record KafkaRequest(RequestHeader header, SocketAddress remoteAddress) {
    public ApiKeys apiKey() {
        return header.apiKey();
    }

    public short version() {
        return header.apiVersion();
    }

    public String clientId() {
        return header.clientId();
    }
}
