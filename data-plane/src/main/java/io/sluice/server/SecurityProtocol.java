package io.sluice.server;

/**
 * Kafka's security protocols of a listener: whether its connections are encrypted (TLS) and
 * whether they authenticate with SASL before anything else is served.
 */
public enum SecurityProtocol {
    PLAINTEXT(false, false),
    SASL_PLAINTEXT(false, true),
    SSL(true, false),
    SASL_SSL(true, true);

    private final boolean tls;
    private final boolean sasl;

    SecurityProtocol(boolean tls, boolean sasl) {
        this.tls = tls;
        this.sasl = sasl;
    }

    public boolean tls() {
        return tls;
    }

    public boolean sasl() {
        return sasl;
    }
}
