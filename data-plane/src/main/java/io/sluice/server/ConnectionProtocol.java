package io.sluice.server;

import io.netty.channel.ChannelPipeline;

/**
 * A wire protocol served on the data-plane port besides Sluice's own, such as Kafka's. A module that
 * provides one registers a {@link Factory} with {@link java.util.ServiceLoader}; each node then serves
 * it on every connection whose first bytes are not a native frame (see {@link ProtocolDetector}).
 */
public interface ConnectionProtocol {
    /** The protocol's name, for logs. */
    String name();

    /**
     * Adds this protocol's handlers at the end of a new connection's pipeline; the bytes read so far
     * are passed to them right after. Called on the connection's event loop.
     *
     * @param listener the listener the connection arrived on, whose security protocol it must apply
     */
    void initConnection(ChannelPipeline pipeline, Listener listener);

    /**
     * The SASL mechanisms this protocol authenticates with, for the native protocol to share (one
     * implementation for both); null when it has none.
     */
    default io.sluice.network.SaslServers saslServers() {
        return null;
    }

    /** Creates a node's instance of the protocol once its services exist. */
    interface Factory {
        ConnectionProtocol create(BrokerServices services);
    }
}
