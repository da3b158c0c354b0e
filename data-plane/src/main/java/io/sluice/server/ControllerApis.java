package io.sluice.server;

import io.sluice.metadata.MetadataNode;
import io.sluice.network.NativeApis;
import io.sluice.network.RequestContext;
import io.sluice.network.Response;
import io.sluice.protocol.rpc.ApiKey;
import io.sluice.protocol.rpc.BrokerHeartbeatRequest;
import io.sluice.protocol.rpc.BrokerRegistrationRequest;
import io.sluice.protocol.wire.Frames;
import io.sluice.protocol.wire.RequestFrame;
import java.util.concurrent.CompletableFuture;

/**
 * Broker registration and heartbeats arriving on this node's data-plane port, handed to the metadata
 * controller (which answers NOT_CONTROLLER with the leader's id when this node does not lead).
 * Stateless; thread-safe.
 */
final class ControllerApis {
    private final MetadataNode metadata;

    ControllerApis(MetadataNode metadata) {
        this.metadata = metadata;
    }

    void register(NativeApis apis) {
        apis.add(ApiKey.BROKER_REGISTRATION, this::registration);
        apis.add(ApiKey.BROKER_HEARTBEAT, this::heartbeat);
    }

    private CompletableFuture<Response> registration(RequestContext ctx, RequestFrame frame) throws Exception {
        BrokerRegistrationRequest request;
        try {
            request = Frames.parse(frame.body(), BrokerRegistrationRequest.parser());
        } finally {
            frame.release();
        }
        return metadata.controller().registerBroker(request).thenApply(Response::of);
    }

    private CompletableFuture<Response> heartbeat(RequestContext ctx, RequestFrame frame) throws Exception {
        BrokerHeartbeatRequest request;
        try {
            request = Frames.parse(frame.body(), BrokerHeartbeatRequest.parser());
        } finally {
            frame.release();
        }
        return metadata.controller().heartbeat(request).thenApply(Response::of);
    }
}
