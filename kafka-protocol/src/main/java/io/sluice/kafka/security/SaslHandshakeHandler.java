package io.sluice.kafka.security;

import io.sluice.kafka.codec.KafkaApiHandler;
import io.sluice.kafka.codec.KafkaRequest;
import io.sluice.kafka.codec.KafkaSession;
import java.net.InetSocketAddress;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.message.SaslHandshakeRequestData;
import org.apache.kafka.common.message.SaslHandshakeResponseData;
import org.apache.kafka.common.protocol.Errors;

/**
 * SaslHandshake (v1; v0's raw tokens are not served): picks the connection's mechanism. An unknown or
 * disabled mechanism gets UNSUPPORTED_SASL_MECHANISM with the enabled ones and closes the connection;
 * a handshake on a listener without SASL, or a second one, gets ILLEGAL_SASL_STATE, as in Kafka.
 */
public final class SaslHandshakeHandler implements KafkaApiHandler<SaslHandshakeRequestData> {
    private final SaslAuthenticator authenticator;

    public SaslHandshakeHandler(SaslAuthenticator authenticator) {
        this.authenticator = authenticator;
    }

    @Override
    public CompletableFuture<SaslHandshakeResponseData> handle(KafkaRequest request, SaslHandshakeRequestData data)
            throws Exception {
        KafkaSession session = request.session();
        SaslHandshakeResponseData response = new SaslHandshakeResponseData()
                .setMechanisms(authenticator.mechanisms());
        if (session.state() != KafkaSession.State.HANDSHAKE) {
            return CompletableFuture.completedFuture(response.setErrorCode(Errors.ILLEGAL_SASL_STATE.code()));
        }
        if (!authenticator.mechanisms().contains(data.mechanism())) {
            session.fail();
            return CompletableFuture.completedFuture(response.setErrorCode(Errors.UNSUPPORTED_SASL_MECHANISM.code()));
        }
        String host = session.channel().localAddress() instanceof InetSocketAddress a ? a.getHostString() : "localhost";
        session.startSasl(authenticator.newServer(data.mechanism(), host));
        return CompletableFuture.completedFuture(response.setErrorCode(Errors.NONE.code()));
    }
}
