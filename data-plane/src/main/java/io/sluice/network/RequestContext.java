package io.sluice.network;

import io.sluice.protocol.rpc.RequestHeader;
import java.net.SocketAddress;

/** Who sent a request and on which connection; immutable. */
public record RequestContext(RequestHeader header, SocketAddress remoteAddress) {
    public String clientId() {
        return header.getClientId();
    }
}
