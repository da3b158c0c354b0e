package io.sluice.group;

import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * One member of a classic group as its coordinator sees it: identity, timeouts, the protocols it
 * offered, its assignment, and the JoinGroup or SyncGroup it is waiting on (a parked request is
 * answered when the rebalance reaches the next step). Not thread-safe: guarded by its group.
 */
final class ClassicMember {
    final String memberId;
    final String instanceId;
    String clientId;
    String clientHost;
    int sessionTimeoutMs;
    int rebalanceTimeoutMs;
    List<Classic.Protocol> protocols;
    byte[] assignment = new byte[0];
    long sessionDeadlineMs;
    /** The member's JoinGroup waiting for the join phase to end, or null. */
    CompletableFuture<Classic.JoinResult> awaitingJoin;
    /** The member's SyncGroup waiting for the leader's assignment, or null. */
    CompletableFuture<Classic.SyncResult> awaitingSync;
    /** Joined this generation but has not sent its SyncGroup yet. */
    boolean pendingSync;

    ClassicMember(String memberId, String instanceId) {
        this.memberId = memberId;
        this.instanceId = instanceId;
    }

    /** Takes what a JoinGroup says about the member: its protocols, client, timeouts; its session restarts. */
    void update(Classic.JoinRequest r, long nowMs) {
        protocols = r.protocols();
        clientId = r.clientId();
        clientHost = r.clientHost();
        sessionTimeoutMs = r.sessionTimeoutMs();
        rebalanceTimeoutMs = r.rebalanceTimeoutMs() > 0 ? r.rebalanceTimeoutMs() : r.sessionTimeoutMs();
        sessionDeadlineMs = nowMs + sessionTimeoutMs;
    }

    /** The metadata this member offered for {@code protocol}, or null. */
    byte[] metadata(String protocol) {
        for (Classic.Protocol p : protocols) {
            if (p.name().equals(protocol)) {
                return p.metadata();
            }
        }
        return null;
    }

    /** Whether the same protocols, in the same order and with the same bytes, were offered. */
    boolean sameProtocols(List<Classic.Protocol> other) {
        if (other.size() != protocols.size()) {
            return false;
        }
        for (int i = 0; i < other.size(); i++) {
            if (!other.get(i).name().equals(protocols.get(i).name())
                    || !java.util.Arrays.equals(other.get(i).metadata(), protocols.get(i).metadata())) {
                return false;
            }
        }
        return true;
    }

    /** As DescribeGroups shows it: metadata and assignment only once the group is Stable, as Kafka does. */
    Classic.DescribedMember describe(boolean stable, String protocol) {
        byte[] metadata = stable ? metadata(protocol) : null;
        return new Classic.DescribedMember(memberId, instanceId, clientId, clientHost,
                metadata == null ? new byte[0] : metadata, stable ? assignment : new byte[0]);
    }

    /** A member parked in a JoinGroup or SyncGroup is alive: its request has the rebalance timeout instead. */
    boolean expired(long nowMs) {
        return awaitingJoin == null && awaitingSync == null && nowMs >= sessionDeadlineMs;
    }
}
