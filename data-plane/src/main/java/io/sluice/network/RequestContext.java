package io.sluice.network;

import io.netty.channel.Channel;
import io.sluice.protocol.rpc.RequestHeader;
import java.net.InetSocketAddress;
import java.net.SocketAddress;

/**
 * Who sent a request and on which connection: its header, the peer's address, the connection's
 * {@link NativeSession} (principal, listener) and its channel (null in tests without one). Immutable
 * apart from the session, which only the connection's event loop changes.
 */
public record RequestContext(RequestHeader header, SocketAddress remoteAddress, NativeSession session, Channel channel) {

    /** A request on an anonymous inter-broker connection without a channel (tests, internal calls). */
    public RequestContext(RequestHeader header, SocketAddress remoteAddress) {
        this(header, remoteAddress, new NativeSession(null, false), null);
    }

    public String clientId() {
        return header.getClientId();
    }

    /** The principal the authorizer decides for ({@code User:ANONYMOUS} without authentication). */
    public String principal() {
        return channel == null ? session.principal(null) : session.principal(channel);
    }

    /** The client's IP address as ACLs name hosts. */
    public String host() {
        return remoteAddress instanceof InetSocketAddress a && a.getAddress() != null ? a.getAddress().getHostAddress()
                : "*";
    }

    /** The name of the listener whose addresses the answer should give (null: the inter-broker one). */
    public String listener() {
        return session.listener();
    }
}
