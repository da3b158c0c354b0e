package io.sluice.kafka.codec;

import java.net.SocketAddress;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.requests.RequestHeader;

/**
 * Who sent a Kafka request, and with which API version and header; immutable but for the connection's
 * {@link KafkaSession} (its listener, principal and SASL state), which is confined to the event loop.
 */
public record KafkaRequest(RequestHeader header, SocketAddress remoteAddress, KafkaSession session) {
    public ApiKeys apiKey() {
        return header.apiKey();
    }

    public short version() {
        return header.apiVersion();
    }

    public String clientId() {
        return header.clientId();
    }

    /** The name of the listener the request arrived on, whose broker addresses its answer must give. */
    public String listener() {
        return session.listener();
    }
}
