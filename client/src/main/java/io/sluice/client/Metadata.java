package io.sluice.client;

import io.sluice.protocol.ErrorCode;
import io.sluice.protocol.SluiceException;
import io.sluice.protocol.Time;
import io.sluice.protocol.TopicPartition;
import io.sluice.protocol.rpc.ApiKey;
import io.sluice.protocol.rpc.MetadataRequest;
import io.sluice.protocol.rpc.MetadataResponse;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Predicate;
import java.util.stream.Collectors;

/**
 * The client's metadata cache and its refresh. Holds the latest {@link Cluster} snapshot, the topics
 * the client cares about, and whether a refresh was asked for (a NOT_LEADER answer, an unknown leader)
 * or is due ({@code metadata.max.age.ms}). At most one metadata request is in flight; it goes to the
 * known brokers in turn, and to the bootstrap addresses while no broker is known.
 *
 * <p>Thread-safe: the producer's sender, the consumer and user threads all read and refresh it. Waiters
 * block on this object's monitor and are woken by every update.
 */
public final class Metadata {
    private final List<Node> bootstrap;
    private final Network network;
    private final Time time;
    private final long refreshBackoffMs;
    private final long maxAgeMs;
    private final int requestTimeoutMs;

    private volatile Cluster cluster = Cluster.empty();
    private final Set<String> topics = new HashSet<>();
    private boolean allTopics;
    private boolean updateRequested = true;
    private boolean inFlight;
    private boolean everUpdated;
    private long lastAttemptMs = Long.MIN_VALUE / 2;
    private long lastSuccessMs = Long.MIN_VALUE / 2;
    private int version;
    private int nextNode;
    private String lastError = "no attempt yet";
    /** The last refresh failed authentication (a wrong password): waiting longer cannot help, as in Kafka. */
    private SluiceException authenticationFailure;

    public Metadata(CommonConfig config, Network network, Time time) {
        this.bootstrap = parseBootstrap(config.bootstrapServers());
        this.network = network;
        this.time = time;
        this.refreshBackoffMs = config.getLong(CommonConfig.RETRY_BACKOFF_MS);
        this.maxAgeMs = config.getLong(CommonConfig.METADATA_MAX_AGE_MS);
        this.requestTimeoutMs = config.getInt(CommonConfig.REQUEST_TIMEOUT_MS);
    }

    /** Reads {@code host:port} entries; a bad entry is a {@link ConfigException}. */
    public static List<Node> parseBootstrap(List<String> servers) {
        List<Node> nodes = new ArrayList<>();
        for (String s : servers) {
            int colon = s.lastIndexOf(':');
            if (colon <= 0 || colon == s.length() - 1) {
                throw new ConfigException("bootstrap server '" + s + "' is not host:port");
            }
            try {
                nodes.add(new Node(-1 - nodes.size(), s.substring(0, colon), Integer.parseInt(s.substring(colon + 1))));
            } catch (NumberFormatException e) {
                throw new ConfigException("bootstrap server '" + s + "' has a port that is not a number");
            }
        }
        return List.copyOf(nodes);
    }

    public Cluster cluster() {
        return cluster;
    }

    /** Adds topics whose partitions must be in the snapshot; asks for a refresh if any is new. */
    public synchronized void addTopics(Collection<String> names) {
        if (topics.addAll(names)) {
            updateRequested = true;
        }
    }

    /** Asks for every topic in each refresh (admin listing). */
    public synchronized void setAllTopics(boolean all) {
        this.allTopics = all;
    }

    public synchronized void requestUpdate() {
        updateRequested = true;
    }

    public synchronized int version() {
        return version;
    }

    /** Milliseconds until a refresh should start; 0 when one is due now and none is in flight. */
    public synchronized long timeToNextUpdate(long nowMs) {
        if (inFlight) {
            return Long.MAX_VALUE;
        }
        long due = updateRequested ? lastAttemptMs + refreshBackoffMs : lastSuccessMs + maxAgeMs;
        if (updateRequested && !everUpdated) {
            due = lastAttemptMs + Math.min(refreshBackoffMs, 50);
        }
        return Math.max(0, due - nowMs);
    }

    /** Starts a refresh when one is due; never blocks. */
    public void maybeUpdate() {
        MetadataRequest request;
        Node node;
        synchronized (this) {
            long now = time.monotonicMs();
            if (timeToNextUpdate(now) > 0) {
                return;
            }
            inFlight = true;
            lastAttemptMs = now;
            node = pickNode();
            request = MetadataRequest.newBuilder().addAllTopics(topics).setAllTopics(allTopics).build();
        }
        network.call(node, ApiKey.METADATA, request, MetadataResponse.parser(), requestTimeoutMs)
                .whenComplete((response, error) -> {
                    if (error == null) {
                        refreshed(Cluster.from(response));
                    } else {
                        failed(node, NetworkClient.unwrap(error));
                    }
                });
    }

    /** Installs a new snapshot and wakes every waiter. Also what tests use to set the metadata. */
    public synchronized void update(Cluster next) {
        cluster = next;
        inFlight = false;
        everUpdated = true;
        authenticationFailure = null;
        updateRequested = false;
        lastSuccessMs = time.monotonicMs();
        version++;
        notifyAll();
    }

    /**
     * Installs a refresh's answer, keeping the leaders it names in older epochs than the snapshot
     * (see {@link Cluster#keepingNewerLeadersOf}); when there were any, that broker lags the quorum,
     * so the next refresh, after the backoff, asks the next broker.
     */
    private synchronized void refreshed(Cluster fresh) {
        Cluster next = fresh.keepingNewerLeadersOf(cluster);
        update(next);
        if (next != fresh) {
            updateRequested = true;
            nextNode++;
        }
    }

    /**
     * Takes a partition's new leader from an error answer, so a retry can go there before the next
     * refresh; ignored unless its epoch is newer than the snapshot's.
     */
    public synchronized void updateLeader(TopicPartition tp, int leaderId, int leaderEpoch) {
        Cluster next = cluster.withLeader(tp, leaderId, leaderEpoch);
        if (next != cluster) {
            cluster = next;
            notifyAll();
        }
    }

    private synchronized void failed(Node node, Throwable error) {
        inFlight = false;
        lastError = node.address() + ": " + error.getMessage();
        if (error instanceof SluiceException e && (e.code() == ErrorCode.SASL_AUTHENTICATION_FAILED
                || e.code() == ErrorCode.UNSUPPORTED_SASL_MECHANISM || e.code() == ErrorCode.ILLEGAL_SASL_STATE)) {
            authenticationFailure = e;
        }
        notifyAll();
    }

    /**
     * Blocks until {@code done} holds for the snapshot, refreshing as needed. Fails with a clear
     * message when no broker could be reached at all, or when the condition is still false at the
     * deadline ({@code what} describes it).
     */
    public Cluster await(Predicate<Cluster> done, long timeoutMs, String what) {
        long deadline = time.monotonicMs() + timeoutMs;
        while (true) {
            Cluster current = cluster;
            if (done.test(current)) {
                return current;
            }
            long now = time.monotonicMs();
            SluiceException authentication = authenticationFailure;
            if (authentication != null) {
                throw new SluiceException(authentication.code(), authentication.getMessage());
            }
            if (now >= deadline) {
                throw timeout(what, timeoutMs);
            }
            synchronized (this) {
                updateRequested = true;
            }
            maybeUpdate();
            synchronized (this) {
                long wait = Math.min(deadline - now, Math.max(1, Math.min(refreshBackoffMs, timeToNextUpdate(now))));
                if (cluster == current) {
                    try {
                        wait(Math.max(1, wait));
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        throw new SluiceException(ErrorCode.NETWORK_EXCEPTION, "interrupted while waiting for " + what);
                    }
                }
            }
        }
    }

    /** Refreshes once (or waits for a refresh in flight) and returns the newer snapshot. */
    public Cluster awaitFresh(long timeoutMs) {
        int seen = version();
        requestUpdate();
        return await(c -> version() > seen, timeoutMs, "a metadata refresh");
    }

    private synchronized SluiceException timeout(String what, long timeoutMs) {
        if (!everUpdated) {
            String addresses = bootstrap.stream().map(Node::address).collect(Collectors.joining(","));
            return new SluiceException(ErrorCode.NETWORK_EXCEPTION, "could not reach any of " + addresses
                    + " within " + timeoutMs + " ms (last error: " + lastError
                    + "); is the cluster running? start it with ./sluice quorum start");
        }
        return new SluiceException(ErrorCode.REQUEST_TIMED_OUT, "timed out after " + timeoutMs + " ms waiting for " + what);
    }

    /** The next broker to ask for metadata: known brokers in turn, bootstrap addresses while none is known. */
    private Node pickNode() {
        List<Node> candidates = new ArrayList<>(cluster.nodes());
        if (candidates.isEmpty()) {
            candidates = new ArrayList<>(bootstrap);
        }
        candidates.sort((a, b) -> Integer.compare(a.id(), b.id()));
        for (int i = 0; i < candidates.size(); i++) {
            Node n = candidates.get(Math.floorMod(nextNode + i, candidates.size()));
            if (network.isConnected(n)) {
                return n;
            }
        }
        return candidates.get(Math.floorMod(nextNode++, candidates.size()));
    }

    /** Any node to send a request that every broker can answer (admin requests). */
    public synchronized Node anyNode() {
        return pickNode();
    }

    public List<Node> bootstrapNodes() {
        return bootstrap;
    }
}
