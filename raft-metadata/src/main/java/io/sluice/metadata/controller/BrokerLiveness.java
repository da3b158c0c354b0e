package io.sluice.metadata.controller;

import io.sluice.metadata.image.BrokerRegistration;
import io.sluice.metadata.image.ClusterImage;
import io.sluice.protocol.Time;
import io.sluice.protocol.metadata.BrokerRef;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * When the active controller last heard from each broker. Kept in memory on the leader only:
 * heartbeats are never written to the log, only the fencing they eventually cause. A new leader knows
 * nothing of past heartbeats, so {@link #resetAll} gives every broker a full session from the moment
 * of election instead of fencing the whole cluster at once.
 *
 * <p>Thread-safe (heartbeats arrive on request threads, the expiry check runs on the controller's timer).
 */
public final class BrokerLiveness {

    private final Time time;
    private final long sessionTimeoutMs;
    private final Map<Integer, Long> lastSeenMs = new HashMap<>();
    private long graceStartMs;

    public BrokerLiveness(Time time, long sessionTimeoutMs) {
        this.time = time;
        this.sessionTimeoutMs = sessionTimeoutMs;
        this.graceStartMs = time.milliseconds();
    }

    public synchronized void touch(int brokerId) {
        lastSeenMs.put(brokerId, time.milliseconds());
    }

    /** Forgets every heartbeat: each broker's session starts now. */
    public synchronized void resetAll() {
        lastSeenMs.clear();
        graceStartMs = time.milliseconds();
    }

    /** Unfenced brokers of the image whose session lapsed, in id order, with the epoch to fence. */
    public synchronized List<BrokerRef> expired(ClusterImage cluster) {
        long now = time.milliseconds();
        List<BrokerRef> expired = new ArrayList<>();
        for (BrokerRegistration broker : cluster.brokers().values()) {
            if (broker.fenced()) {
                continue;
            }
            long lastSeen = Math.max(graceStartMs, lastSeenMs.getOrDefault(broker.id(), graceStartMs));
            if (now - lastSeen > sessionTimeoutMs) {
                expired.add(BrokerRef.newBuilder().setBrokerId(broker.id()).setBrokerEpoch(broker.epoch()).build());
            }
        }
        return expired;
    }
}
