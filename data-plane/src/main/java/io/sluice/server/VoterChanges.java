package io.sluice.server;

import io.sluice.metadata.MetadataNode;
import io.sluice.protocol.ErrorCode;
import io.sluice.protocol.SluiceException;
import io.sluice.protocol.rpc.Endpoint;
import java.io.IOException;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * Changes the metadata quorum's voter set while the cluster serves, as Kafka 4.x's AddRaftVoter and
 * RemoveRaftVoter do ({@code kafka-metadata-quorum.sh add-controller / remove-controller}). Every
 * Sluice node hosts partitions, so a voter is never stopped by these: adding makes a running
 * broker-only node (a Raft listener) a voter, removing makes a voter a broker-only node, which keeps
 * following the metadata log and serving. Replacing a voter is an add then a remove.
 *
 * <p>The rules live here, for both protocols: the node must be a member in the right role, and the
 * change must keep the quorum: the last voter cannot go, and both the old and the new voter set must
 * have a majority of live voters (Raft's joint consensus needs both), live meaning an unfenced broker
 * registration, which a node keeps only while it heartbeats the controller. Stateless; thread-safe;
 * the changes block for the Raft round trip, so callers run them off the event loop.
 */
public final class VoterChanges {
    private final MetadataNode metadata;

    VoterChanges(MetadataNode metadata) {
        this.metadata = metadata;
    }

    /**
     * Makes running broker-only node {@code nodeId} a voter. {@code listeners}, when not empty, must
     * include the node's Raft address (Kafka's tool sends the controller listeners of the new
     * controller's configuration file), so an operator who named the wrong node or port learns it.
     */
    public void addVoter(int nodeId, List<Endpoint> listeners) {
        Set<Integer> voters = metadata.voters().keySet();
        if (voters.contains(nodeId)) {
            throw new SluiceException(ErrorCode.DUPLICATE_VOTER, "node " + nodeId + " is already a voter of the"
                    + " metadata quorum (its voters are " + voters + ")");
        }
        String raftAddress = metadata.raftAddress(nodeId);
        if (raftAddress == null) {
            throw new SluiceException(ErrorCode.INVALID_REQUEST, "node " + nodeId + " is not a broker-only member of"
                    + " the metadata quorum (its broker-only nodes are " + metadata.observers() + "); start it with"
                    + " process.roles=broker first, it joins as one, then add it");
        }
        if (!metadata.image().cluster().isUnfenced(nodeId)) {
            throw new SluiceException(ErrorCode.INVALID_REQUEST, "broker-only node " + nodeId + " is not running or"
                    + " not caught up with the metadata log (its registration is fenced); start it and retry");
        }
        if (!listeners.isEmpty() && listeners.stream().noneMatch(e -> sameAddress(e, raftAddress))) {
            throw new SluiceException(ErrorCode.INVALID_REQUEST, "node " + nodeId + " takes the metadata log at "
                    + raftAddress + " (its raft.address), but the request names " + listeners.stream()
                    .map(e -> e.getHost() + ":" + e.getPort()).toList() + "; give its raft.address as the controller"
                    + " listener");
        }
        Set<Integer> after = new TreeSet<>(voters);
        after.add(nodeId);
        checkQuorumKept(voters, after, liveNodes(after));
        change(nodeId, true, -1);
    }

    /** Makes voter {@code nodeId} a broker-only node (it keeps serving as a broker). */
    public void removeVoter(int nodeId) {
        Set<Integer> voters = metadata.voters().keySet();
        if (!voters.contains(nodeId)) {
            throw new SluiceException(ErrorCode.VOTER_NOT_FOUND, "node " + nodeId + " is not a voter of the metadata"
                    + " quorum (its voters are " + voters + ")");
        }
        Set<Integer> after = new TreeSet<>(voters);
        after.remove(nodeId);
        Set<Integer> live = liveNodes(voters);
        checkQuorumKept(voters, after, live);
        // The voter that takes over should the removed one lead: a live one of those that stay.
        int successor = after.stream().filter(live::contains).findFirst().orElseThrow();
        change(nodeId, false, successor);
    }

    /** Whether {@code endpoint} is {@code hostPort}: same port, and the same host by name or by address. */
    static boolean sameAddress(Endpoint endpoint, String hostPort) {
        int colon = hostPort.lastIndexOf(':');
        String host = hostPort.substring(0, colon);
        if (endpoint.getPort() != Integer.parseInt(hostPort.substring(colon + 1))) {
            return false;
        }
        if (endpoint.getHost().equalsIgnoreCase(host)) {
            return true;
        }
        try {
            return java.net.InetAddress.getByName(endpoint.getHost()).equals(java.net.InetAddress.getByName(host));
        } catch (java.net.UnknownHostException e) {
            return false;
        }
    }

    private Set<Integer> liveNodes(Set<Integer> ids) {
        Set<Integer> live = new TreeSet<>();
        for (int id : ids) {
            if (metadata.image().cluster().isUnfenced(id)) {
                live.add(id);
            }
        }
        return live;
    }

    /**
     * Refuses a change from voter set {@code before} to {@code after} that would leave no voter, or
     * either set without a majority among the {@code live} nodes: Raft commits the change only with a
     * majority of both, and the cluster could not elect a leader or commit anything afterwards.
     */
    static void checkQuorumKept(Set<Integer> before, Set<Integer> after, Set<Integer> live) {
        if (after.isEmpty()) {
            throw new SluiceException(ErrorCode.INVALID_REQUEST, "node " + before.iterator().next() + " is the last"
                    + " voter of the metadata quorum; add another voter before removing it");
        }
        for (Set<Integer> voters : List.of(before, after)) {
            long liveVoters = voters.stream().filter(live::contains).count();
            int majority = voters.size() / 2 + 1;
            if (liveVoters < majority) {
                throw new SluiceException(ErrorCode.INVALID_REQUEST, "changing the voters from " + before + " to "
                        + after + " would leave " + voters + " with " + liveVoters + " live voter(s) of the "
                        + majority + " a majority needs (live: " + live + "); start the stopped voters first");
            }
        }
    }

    private void change(int nodeId, boolean add, int successor) {
        try {
            if (add) {
                metadata.promoteObserver(nodeId);
            } else {
                metadata.demoteVoter(nodeId, successor);
            }
        } catch (IllegalArgumentException e) {
            // The configuration changed between the checks and the change (another operator's change).
            throw new SluiceException(add ? ErrorCode.INVALID_REQUEST : ErrorCode.VOTER_NOT_FOUND, e.getMessage());
        } catch (IOException e) {
            // A timeout may still have been committed: the operator looks before retrying.
            throw new SluiceException(ErrorCode.REQUEST_TIMED_OUT, e.getMessage() + "; check the voters with"
                    + " metadata-quorum describe --status before retrying");
        }
    }
}
