package io.sluice.kafka.codec;

import io.netty.channel.Channel;
import io.sluice.security.Authorizer;
import io.sluice.network.TlsConnections;
import java.util.Set;
import javax.security.sasl.SaslServer;
import org.apache.kafka.common.protocol.ApiKeys;

/**
 * One Kafka connection's security state: the listener it arrived on and, on a SASL listener, where it
 * stands in authentication. Until SASL completes only ApiVersions, SaslHandshake and
 * SaslAuthenticate are served (Kafka's rule); anything else closes the connection.
 *
 * <p>The states and their transitions: {@code HANDSHAKE -> AUTHENTICATING} (a supported mechanism
 * was chosen), {@code AUTHENTICATING -> AUTHENTICATED} (its exchange completed), and from either
 * {@code -> FAILED} (the connection closes once the response is written). A connection on a
 * listener without SASL starts {@code AUTHENTICATED} as {@code User:ANONYMOUS}, or on an SSL listener
 * with a client certificate as that certificate's {@code User:<subject DN>}, as in Kafka; on SASL_SSL
 * the SASL user is the principal.
 *
 * <p>Confined to the connection's event loop, like every handler call; not thread-safe.
 */
public final class KafkaSession {
    /** Kafka's principal of connections that did not authenticate (a PLAINTEXT listener). */
    public static final String ANONYMOUS = "User:ANONYMOUS";
    private static final Set<ApiKeys> BEFORE_AUTHENTICATION =
            Set.of(ApiKeys.API_VERSIONS, ApiKeys.SASL_HANDSHAKE, ApiKeys.SASL_AUTHENTICATE);

    /** Where a connection stands in authentication. */
    public enum State { HANDSHAKE, AUTHENTICATING, AUTHENTICATED, FAILED }

    private final String listener;
    private final Channel channel;
    private final Authorizer authorizer;
    private State state;
    private SaslServer saslServer;
    private String principal;

    /**
     * @param sasl whether the listener requires SASL authentication; without it the principal is the
     *             client certificate's ({@code User:<subject DN>}, on a TLS listener whose client sent one)
     *             or {@code User:ANONYMOUS}, as Kafka's default principal builder decides
     * @param authorizer decides what the principal may do once authenticated
     */
    public KafkaSession(String listener, boolean sasl, Channel channel, Authorizer authorizer) {
        this.listener = listener;
        this.channel = channel;
        this.authorizer = authorizer;
        this.state = sasl ? State.HANDSHAKE : State.AUTHENTICATED;
        String certificate = sasl ? null : TlsConnections.principal(channel);
        this.principal = sasl ? null : certificate != null ? certificate : ANONYMOUS;
    }

    /** The name of the listener this connection arrived on (as in {@code listeners}). */
    public String listener() {
        return listener;
    }

    public Authorizer authorizer() {
        return authorizer;
    }

    public Channel channel() {
        return channel;
    }

    public State state() {
        return state;
    }

    /** Whether a request of {@code key} may be served now. */
    public boolean allows(ApiKeys key) {
        return state == State.AUTHENTICATED || state != State.FAILED && BEFORE_AUTHENTICATION.contains(key);
    }

    /** The authenticated principal ({@code User:name}), or null before authentication completes. */
    public String principal() {
        return principal;
    }

    /** Whether the connection must close once the response being written is out. */
    public boolean failed() {
        return state == State.FAILED;
    }

    /** The SASL exchange in progress, or null. */
    public SaslServer saslServer() {
        return saslServer;
    }

    public void startSasl(SaslServer server) {
        requireState(State.HANDSHAKE);
        this.saslServer = server;
        this.state = State.AUTHENTICATING;
    }

    public void authenticated(String user) {
        requireState(State.AUTHENTICATING);
        this.principal = "User:" + user;
        this.state = State.AUTHENTICATED;
        dispose();
    }

    public void fail() {
        this.state = State.FAILED;
        dispose();
    }

    private void requireState(State expected) {
        if (state != expected) {
            throw new IllegalStateException("session is " + state + ", not " + expected);
        }
    }

    private void dispose() {
        if (saslServer != null) {
            try {
                saslServer.dispose();
            } catch (Exception e) {
                // nothing is held that outlives the connection
            }
            saslServer = null;
        }
    }
}
