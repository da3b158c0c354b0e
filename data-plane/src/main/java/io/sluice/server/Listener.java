package io.sluice.server;

import io.sluice.protocol.tls.TlsConfig;
import java.net.InetSocketAddress;

/**
 * One data-plane listener as Kafka names it ({@code listeners=NAME://host:port}): its name, the
 * security protocol its name maps to ({@code listener.security.protocol.map}), the address it binds
 * and the address clients are told ({@code advertised.listeners}; null to advertise the bound one).
 * Immutable.
 *
 * @param interBroker whether this is the listener of the native protocol and replication
 *                    ({@code inter.broker.listener.name}); every other listener serves only Kafka's protocol
 * @param tls         the listener's TLS settings ({@code ssl.*}, overridden by {@code listener.name.<name>.ssl.*}),
 *                    null when its protocol has no TLS
 */
public record Listener(String name, SecurityProtocol protocol, InetSocketAddress address,
                       InetSocketAddress advertised, boolean interBroker, TlsConfig tls) {

    public Listener(String name, SecurityProtocol protocol, InetSocketAddress address, InetSocketAddress advertised,
                    boolean interBroker) {
        this(name, protocol, address, advertised, interBroker, null);
    }

    /** {@code NAME://host:port}, as in {@code listeners}. */
    public String describe() {
        return name + "://" + address.getHostString() + ":" + address.getPort();
    }
}
