package io.sluice.network;

import io.netty.channel.Channel;
import io.netty.util.AttributeKey;
import javax.security.sasl.SaslServer;

/**
 * The security state of one native-protocol connection: the listener it came in on, whether it must
 * authenticate with SASL before anything else is served, and its principal: {@code User:<name>} after
 * SASL, {@code User:<subject DN>} for a TLS client certificate, {@code User:ANONYMOUS} otherwise (as
 * Kafka names them). Kept as a channel attribute; confined to the connection's event loop.
 */
public final class NativeSession {
    public static final AttributeKey<NativeSession> KEY = AttributeKey.valueOf("sluice.nativeSession");
    public static final String ANONYMOUS = "User:ANONYMOUS";

    /** Where a SASL connection is in its exchange. */
    public enum State { HANDSHAKE, AUTHENTICATING, AUTHENTICATED, FAILED }

    private final String listener;
    private final boolean sasl;
    private State state;
    private SaslServer saslServer;
    private String principal;

    /**
     * @param listener the listener's name as other brokers' endpoints are looked up by (null for the
     *                 inter-broker listener, whose addresses are the brokers' registered ones)
     * @param sasl     whether the listener is SASL_PLAINTEXT or SASL_SSL
     */
    public NativeSession(String listener, boolean sasl) {
        this.listener = listener;
        this.sasl = sasl;
        this.state = sasl ? State.HANDSHAKE : State.AUTHENTICATED;
    }

    /** The session of a connection, or an anonymous one on the inter-broker listener when none was set. */
    public static NativeSession of(Channel channel) {
        NativeSession s = channel.attr(KEY).get();
        if (s == null) {
            s = new NativeSession(null, false);
            channel.attr(KEY).set(s);
        }
        return s;
    }

    public String listener() {
        return listener;
    }

    public boolean sasl() {
        return sasl;
    }

    public State state() {
        return state;
    }

    /** Whether requests other than the SASL ones may be served. */
    public boolean authenticated() {
        return state == State.AUTHENTICATED;
    }

    public SaslServer saslServer() {
        return saslServer;
    }

    void startSasl(SaslServer server) {
        saslServer = server;
        state = State.AUTHENTICATING;
    }

    void authenticated(String user) {
        principal = "User:" + user;
        state = State.AUTHENTICATED;
        dispose();
    }

    /** The exchange failed or was out of order: the connection closes after its answer. */
    void fail() {
        state = State.FAILED;
        dispose();
    }

    private void dispose() {
        if (saslServer != null) {
            try {
                saslServer.dispose();
            } catch (Exception ignored) {
                // nothing is held that outlives the connection
            }
            saslServer = null;
        }
    }

    /** The principal the authorizer decides for; on a TLS connection read once its handshake is done. */
    public String principal(Channel channel) {
        if (principal == null) {
            String certificate = sasl || channel == null ? null : TlsConnections.principal(channel);
            principal = certificate != null ? certificate : ANONYMOUS;
        }
        return principal;
    }
}
