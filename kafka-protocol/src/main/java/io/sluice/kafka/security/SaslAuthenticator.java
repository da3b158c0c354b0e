package io.sluice.kafka.security;

import java.util.List;
import java.util.Map;
import javax.security.auth.callback.Callback;
import javax.security.auth.callback.CallbackHandler;
import javax.security.auth.callback.NameCallback;
import javax.security.auth.callback.UnsupportedCallbackException;
import javax.security.sasl.Sasl;
import javax.security.sasl.SaslException;
import javax.security.sasl.SaslServer;
import org.apache.kafka.common.security.plain.PlainAuthenticateCallback;
import org.apache.kafka.common.security.plain.internals.PlainSaslServerProvider;
import org.apache.kafka.common.security.scram.ScramCredential;
import org.apache.kafka.common.security.scram.ScramCredentialCallback;
import org.apache.kafka.common.security.scram.internals.ScramSaslServerProvider;

/**
 * Creates the SASL exchange of a connection for a mechanism through the JDK's
 * {@link javax.security.sasl.Sasl}, with the servers kafka-clients ships (its PLAIN and SCRAM
 * providers): Sluice writes only the callbacks that look users up, in {@link PlainUsers} for PLAIN and
 * in the metadata quorum's SCRAM credentials for SCRAM. One per node; thread-safe (each exchange is
 * confined to its connection). The native protocol authenticates through this one too ({@link
 * io.sluice.network.SaslServers}).
 */
public final class SaslAuthenticator implements io.sluice.network.SaslServers {
    static {
        PlainSaslServerProvider.initialize();
        ScramSaslServerProvider.initialize();
    }

    /** The SCRAM credential of a user for a mechanism, or null when it has none. */
    @FunctionalInterface
    public interface ScramCredentials {
        ScramCredential lookup(String user, String mechanism);
    }

    private final List<String> mechanisms;
    private final PlainUsers plainUsers;
    private final ScramCredentials scram;

    public SaslAuthenticator(List<String> mechanisms, PlainUsers plainUsers, ScramCredentials scram) {
        this.mechanisms = List.copyOf(mechanisms);
        this.plainUsers = plainUsers;
        this.scram = scram;
    }

    /** The mechanisms a handshake offers. */
    @Override
    public List<String> mechanisms() {
        return mechanisms;
    }

    /** A new exchange for {@code mechanism}, one of {@link #mechanisms()}. */
    @Override
    public SaslServer newServer(String mechanism, String serverHost) throws SaslException {
        if (!mechanisms.contains(mechanism)) {
            throw new IllegalArgumentException(mechanism + " is not enabled");
        }
        CallbackHandler handler = mechanism.equals("PLAIN") ? this::plain : callbacks -> scram(mechanism, callbacks);
        SaslServer server = Sasl.createSaslServer(mechanism, "kafka", serverHost, Map.of(), handler);
        if (server == null) {
            throw new SaslException("no SASL server for " + mechanism);
        }
        return server;
    }

    private void plain(Callback[] callbacks) throws UnsupportedCallbackException {
        String user = null;
        for (Callback c : callbacks) {
            if (c instanceof NameCallback name) {
                user = name.getDefaultName();
            } else if (c instanceof PlainAuthenticateCallback auth) {
                auth.authenticated(user != null && plainUsers.check(user, auth.password()));
            } else {
                throw new UnsupportedCallbackException(c);
            }
        }
    }

    private void scram(String mechanism, Callback[] callbacks) throws UnsupportedCallbackException {
        String user = null;
        for (Callback c : callbacks) {
            if (c instanceof NameCallback name) {
                user = name.getDefaultName();
            } else if (c instanceof ScramCredentialCallback credential) {
                credential.scramCredential(user == null ? null : scram.lookup(user, mechanism));
            } else {
                throw new UnsupportedCallbackException(c);
            }
        }
    }
}
