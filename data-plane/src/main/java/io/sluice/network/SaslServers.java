package io.sluice.network;

import java.util.List;
import javax.security.sasl.SaslException;
import javax.security.sasl.SaslServer;

/**
 * The node's SASL mechanisms, as JDK {@link SaslServer}s: one implementation (the Kafka codec's, over
 * kafka-clients' PLAIN and SCRAM servers, the PLAIN users file and the SCRAM credentials of the metadata
 * quorum) serves both protocols. Thread-safe; each server it creates is confined to one connection.
 */
public interface SaslServers {
    /** The mechanisms a handshake offers. */
    List<String> mechanisms();

    /** A new exchange for {@code mechanism}, one of {@link #mechanisms()}. */
    SaslServer newServer(String mechanism, String serverHost) throws SaslException;
}
