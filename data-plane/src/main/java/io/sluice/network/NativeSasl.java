package io.sluice.network;

import com.google.protobuf.ByteString;
import io.netty.channel.Channel;
import io.sluice.protocol.ErrorCode;
import io.sluice.protocol.SluiceException;
import io.sluice.protocol.rpc.ApiKey;
import io.sluice.protocol.rpc.SaslAuthenticateRequest;
import io.sluice.protocol.rpc.SaslAuthenticateResponse;
import io.sluice.protocol.rpc.SaslHandshakeRequest;
import io.sluice.protocol.rpc.SaslHandshakeResponse;
import io.sluice.protocol.wire.Frames;
import io.sluice.protocol.wire.RequestFrame;
import java.net.InetSocketAddress;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import javax.security.sasl.SaslException;
import javax.security.sasl.SaslServer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * SaslHandshake and SaslAuthenticate of the native protocol, the same exchange as Kafka's over the
 * node's one {@link SaslServers}: a handshake picks the mechanism (an unknown one, a second handshake,
 * or one on a listener without SASL gets UNSUPPORTED_SASL_MECHANISM / ILLEGAL_SASL_STATE and the
 * connection closes), then each SaslAuthenticate is one step. A failed step is answered with
 * SASL_AUTHENTICATION_FAILED after {@link #FAILED_AUTHENTICATION_DELAY_MS}, with a message that does not
 * say which part was wrong, and the connection closes. Stateless; the state is the connection's
 * {@link NativeSession}.
 */
public final class NativeSasl {
    private static final Logger log = LoggerFactory.getLogger(NativeSasl.class);
    /** As Kafka's {@code connection.failed.authentication.delay.ms} default. */
    public static final long FAILED_AUTHENTICATION_DELAY_MS = 100;
    private final SaslServers servers;

    public NativeSasl(SaslServers servers) {
        this.servers = servers;
    }

    public void register(NativeApis apis) {
        apis.add(ApiKey.SASL_HANDSHAKE, this::handshake);
        apis.add(ApiKey.SASL_AUTHENTICATE, this::authenticate);
    }

    private CompletableFuture<Response> handshake(RequestContext ctx, RequestFrame frame) throws Exception {
        SaslHandshakeRequest request;
        try {
            request = Frames.parse(frame.body(), SaslHandshakeRequest.parser());
        } finally {
            frame.release();
        }
        NativeSession session = ctx.session();
        if (session.state() != NativeSession.State.HANDSHAKE || !session.sasl()) {
            session.fail();
            throw new SluiceException(ErrorCode.ILLEGAL_SASL_STATE, "a SASL handshake is served only first, on a"
                    + " SASL_PLAINTEXT or SASL_SSL listener");
        }
        if (!servers.mechanisms().contains(request.getMechanism())) {
            session.fail();
            throw new SluiceException(ErrorCode.UNSUPPORTED_SASL_MECHANISM, "SASL mechanism '" + request.getMechanism()
                    + "' is not enabled; enabled: " + String.join(", ", servers.mechanisms()));
        }
        Channel ch = ctx.channel();
        String host = ch != null && ch.localAddress() instanceof InetSocketAddress a ? a.getHostString() : "localhost";
        session.startSasl(servers.newServer(request.getMechanism(), host));
        return CompletableFuture.completedFuture(Response.of(SaslHandshakeResponse.newBuilder()
                .addAllMechanisms(servers.mechanisms()).build()));
    }

    private CompletableFuture<Response> authenticate(RequestContext ctx, RequestFrame frame) throws Exception {
        SaslAuthenticateRequest request;
        try {
            request = Frames.parse(frame.body(), SaslAuthenticateRequest.parser());
        } finally {
            frame.release();
        }
        NativeSession session = ctx.session();
        SaslServer server = session.saslServer();
        if (session.state() != NativeSession.State.AUTHENTICATING || server == null) {
            session.fail();
            throw new SluiceException(ErrorCode.ILLEGAL_SASL_STATE, "SaslAuthenticate is served only after a"
                    + " SaslHandshake, before authentication completes");
        }
        String mechanism = server.getMechanismName();
        try {
            byte[] challenge = server.evaluateResponse(request.getAuthBytes().toByteArray());
            boolean complete = server.isComplete();
            if (complete) {
                String user = server.getAuthorizationID();
                session.authenticated(user);
                log.debug("Native connection from {} authenticated as User:{} with {}", ctx.remoteAddress(), user,
                        mechanism);
            }
            return CompletableFuture.completedFuture(Response.of(SaslAuthenticateResponse.newBuilder()
                    .setAuthBytes(challenge == null ? ByteString.EMPTY : ByteString.copyFrom(challenge))
                    .setComplete(complete).build()));
        } catch (SaslException | RuntimeException e) {
            // The mechanisms' messages name what failed (a bad proof, a bad nonce), never a token or a password.
            log.info("Failed authentication with {} from {} ({})", mechanism, ctx.remoteAddress(), e.getMessage());
            session.fail();
            CompletableFuture<Response> delayed = new CompletableFuture<>();
            SluiceException failed = new SluiceException(ErrorCode.SASL_AUTHENTICATION_FAILED,
                    "Authentication failed: invalid credentials with SASL mechanism " + mechanism);
            Channel ch = ctx.channel();
            if (ch == null) {
                delayed.completeExceptionally(failed);
            } else {
                ch.eventLoop().schedule(() -> delayed.completeExceptionally(failed), FAILED_AUTHENTICATION_DELAY_MS,
                        TimeUnit.MILLISECONDS);
            }
            return delayed;
        }
    }
}
