package io.sluice.kafka.security;

import io.sluice.kafka.codec.KafkaApiHandler;
import io.sluice.kafka.codec.KafkaRequest;
import io.sluice.kafka.codec.KafkaSession;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import javax.security.sasl.SaslException;
import javax.security.sasl.SaslServer;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.apache.kafka.common.message.SaslAuthenticateRequestData;
import org.apache.kafka.common.message.SaslAuthenticateResponseData;
import org.apache.kafka.common.protocol.Errors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * SaslAuthenticate (v0-2): one step of the mechanism's exchange. When it completes the connection is
 * authenticated as {@code User:<name>}. A failure gets SASL_AUTHENTICATION_FAILED with a message that
 * does not say which part was wrong, after {@link #FAILED_AUTHENTICATION_DELAY_MS} (Kafka's
 * {@code connection.failed.authentication.delay.ms}, against guessing), and the connection closes. A
 * SaslAuthenticate without a handshake gets ILLEGAL_SASL_STATE and closes too. No re-authentication
 * (KIP-368): the session lifetime is 0, unlimited.
 */
public final class SaslAuthenticateHandler implements KafkaApiHandler<SaslAuthenticateRequestData> {
    private static final Logger log = LoggerFactory.getLogger(SaslAuthenticateHandler.class);
    /** How long a failed authentication waits before its answer. */
    public static final long FAILED_AUTHENTICATION_DELAY_MS = 100;

    @Override
    public CompletableFuture<SaslAuthenticateResponseData> handle(KafkaRequest request, SaslAuthenticateRequestData data) {
        KafkaSession session = request.session();
        SaslServer server = session.saslServer();
        if (session.state() != KafkaSession.State.AUTHENTICATING || server == null) {
            session.fail();
            return CompletableFuture.completedFuture(new SaslAuthenticateResponseData()
                    .setErrorCode(Errors.ILLEGAL_SASL_STATE.code())
                    .setErrorMessage("SaslAuthenticate is only served after a SaslHandshake, before authentication"
                            + " completes"));
        }
        String mechanism = server.getMechanismName();
        try {
            byte[] challenge = server.evaluateResponse(data.authBytes());
            if (server.isComplete()) {
                String user = server.getAuthorizationID();
                session.authenticated(user);
                log.debug("Connection from {} authenticated as User:{} with {}", session.channel().remoteAddress(),
                        user, mechanism);
            }
            return CompletableFuture.completedFuture(new SaslAuthenticateResponseData()
                    .setErrorCode(Errors.NONE.code()).setAuthBytes(challenge == null ? new byte[0] : challenge)
                    .setSessionLifetimeMs(0));
        } catch (SaslException | RuntimeException e) {
            // The mechanisms' messages name what failed (a bad proof, a bad nonce), never a token or a password.
            log.info("Failed authentication with {} from {} ({})", mechanism, session.channel().remoteAddress(),
                    e.getMessage());
            session.fail();
            String message = e instanceof SaslAuthenticationException ? e.getMessage()
                    : "Authentication failed during authentication due to invalid credentials with SASL mechanism "
                    + mechanism;
            CompletableFuture<SaslAuthenticateResponseData> delayed = new CompletableFuture<>();
            SaslAuthenticateResponseData failed = new SaslAuthenticateResponseData()
                    .setErrorCode(Errors.SASL_AUTHENTICATION_FAILED.code()).setErrorMessage(message);
            session.channel().eventLoop().schedule(() -> delayed.complete(failed),
                    FAILED_AUTHENTICATION_DELAY_MS, TimeUnit.MILLISECONDS);
            return delayed;
        }
    }
}
