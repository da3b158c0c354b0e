package io.sluice.protocol.sasl;

/**
 * The client side of one SASL exchange (RFC 4422): the first token, then a response to each challenge
 * until the server's last message has been verified. Confined to one connection's setup; not thread-safe.
 */
public interface SaslClientExchange {
    /** The first token sent. */
    byte[] initial();

    /**
     * The response to the server's {@code challenge}; null when the exchange is complete and nothing more
     * is sent. A challenge that does not verify (a server that does not know the password) is a
     * {@link SaslFailure}.
     */
    byte[] evaluate(byte[] challenge);

    /** Whether the server has been verified (or the mechanism has nothing to verify) and nothing more is sent. */
    boolean isComplete();

    /** A server message the client refuses; the message names no secret. */
    final class SaslFailure extends RuntimeException {
        public SaslFailure(String message) {
            super(message);
        }
    }
}
