package io.sluice.protocol.sasl;

import java.nio.charset.StandardCharsets;

/** SASL PLAIN (RFC 4616): one token, {@code \0user\0password}; the server answers with nothing. Not thread-safe. */
final class PlainClient implements SaslClientExchange {
    private final String user;
    private final String password;
    private boolean sent;

    PlainClient(String user, String password) {
        this.user = user;
        this.password = password;
    }

    @Override
    public byte[] initial() {
        sent = true;
        return ("\0" + user + "\0" + password).getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public byte[] evaluate(byte[] challenge) {
        return null;
    }

    @Override
    public boolean isComplete() {
        return sent;
    }
}
