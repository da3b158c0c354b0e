package io.sluice.client.consumer.internals;

import io.sluice.client.Metadata;
import io.sluice.client.Network;
import io.sluice.client.NetworkClient;
import io.sluice.client.Node;
import io.sluice.protocol.Time;
import io.sluice.protocol.ErrorCode;
import io.sluice.protocol.Errors;
import io.sluice.protocol.SluiceException;
import io.sluice.protocol.rpc.ApiKey;
import io.sluice.protocol.rpc.FindCoordinatorRequest;
import io.sluice.protocol.rpc.FindCoordinatorResponse;

/**
 * Finds and remembers the coordinator of one group: FindCoordinator to any broker, retried until a
 * deadline while no broker can answer; forgotten when a request to it fails with NOT_COORDINATOR, a
 * coordinator error or a network error, so the next use asks again. Thread-safe.
 */
public final class CoordinatorLookup {
    private final String groupId;
    private final Metadata metadata;
    private final Network network;
    private final Time time;
    private final int requestTimeoutMs;
    private final long retryBackoffMs;
    private Node coordinator;

    public CoordinatorLookup(String groupId, Metadata metadata, Network network, Time time, int requestTimeoutMs,
                             long retryBackoffMs) {
        this.groupId = groupId;
        this.metadata = metadata;
        this.network = network;
        this.time = time;
        this.requestTimeoutMs = requestTimeoutMs;
        this.retryBackoffMs = retryBackoffMs;
    }

    /** The coordinator, asking for it first if unknown; blocks up to {@code timeoutMs}. */
    public Node coordinator(long timeoutMs) {
        synchronized (this) {
            if (coordinator != null) {
                return coordinator;
            }
        }
        long deadline = time.monotonicMs() + timeoutMs;
        String lastError = "no answer yet";
        while (true) {
            Node via = metadata.anyNode();
            try {
                FindCoordinatorResponse r = network.call(via, ApiKey.FIND_COORDINATOR,
                        FindCoordinatorRequest.newBuilder().setGroupId(groupId).build(), FindCoordinatorResponse.parser(),
                        requestTimeoutMs).join();
                if (r.getError() == ErrorCode.NONE) {
                    Node found = new Node(r.getNodeId(), r.getEndpoint().getHost(), r.getEndpoint().getPort());
                    synchronized (this) {
                        coordinator = found;
                    }
                    return found;
                }
                if (!Errors.isRetriable(r.getError())) {
                    throw new SluiceException(r.getError(), Errors.describe(r.getError(), r.getErrorMessage()));
                }
                lastError = Errors.describe(r.getError(), r.getErrorMessage());
            } catch (java.util.concurrent.CompletionException e) {
                Throwable cause = NetworkClient.unwrap(e);
                if (cause instanceof SluiceException denied && Errors.isAccessDenied(denied.code())) {
                    throw new SluiceException(denied.code(), denied.getMessage()); // an ACL: waiting cannot help
                }
                lastError = via + ": " + cause.getMessage();
                metadata.requestUpdate();
            }
            if (time.monotonicMs() + retryBackoffMs >= deadline) {
                throw new SluiceException(ErrorCode.COORDINATOR_NOT_AVAILABLE, "could not find the coordinator of group '"
                        + groupId + "' within " + timeoutMs + " ms (" + lastError + ")");
            }
            sleep(retryBackoffMs);
        }
    }

    /** Forgets {@code stale} (when it is still the one remembered): the next call asks again. */
    public synchronized void invalidate(Node stale) {
        if (stale != null && stale.equals(coordinator)) {
            coordinator = null;
        }
    }

    /** Whether an error means "ask FindCoordinator again". */
    public static boolean isCoordinatorError(ErrorCode code) {
        return code == ErrorCode.NOT_COORDINATOR || code == ErrorCode.COORDINATOR_NOT_AVAILABLE
                || code == ErrorCode.COORDINATOR_LOAD_IN_PROGRESS || code == ErrorCode.NETWORK_EXCEPTION
                || code == ErrorCode.REQUEST_TIMED_OUT;
    }

    public static void sleep(long ms) {
        try {
            Thread.sleep(Math.max(1, ms));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SluiceException(ErrorCode.NETWORK_EXCEPTION, "interrupted");
        }
    }
}
