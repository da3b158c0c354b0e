package io.sluice.jepsen.harness;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Where the nodes live on the network and how links between them are cut. Implementations must be
 * safe to call from the nemesis thread while client threads run (they only touch the kernel).
 */
public interface Network extends AutoCloseable {

    /** The address node {@code node} (1-based) listens on. */
    String host(int node);

    /** The data-plane port of a node. */
    int port(int node);

    /** The Raft port of a node. */
    int raftPort(int node);

    /** The command prefix that starts a process in the node's place (empty on loopback). */
    List<String> launchPrefix(int node);

    /** Whether {@link #cut} and {@link #loss} work; false on loopback. */
    boolean supportsFaults();

    /** Makes each node drop packets from the nodes it holds a grudge against (node -> sources to drop). */
    void cut(Map<Integer, Set<Integer>> grudges);

    /** Makes the given nodes drop this share of all incoming packets. */
    void loss(Collection<Integer> nodes, double probability);

    /** Removes every cut and loss. */
    void heal();

    /** Removes everything this network created; safe to call twice. */
    @Override
    void close();
}
