package io.sluice.jepsen.harness;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * All nodes on 127.0.0.1 with their own ports, for machines where network namespaces cannot be made
 * (not root, no {@code ip}). Only process faults are possible here. Immutable and thread-safe.
 */
public final class LoopbackNetwork implements Network {
    private static final int BASE_PORT = 29090;
    private static final int BASE_RAFT_PORT = 39090;

    @Override
    public String host(int node) {
        return "127.0.0.1";
    }

    @Override
    public int port(int node) {
        return BASE_PORT + node;
    }

    @Override
    public int raftPort(int node) {
        return BASE_RAFT_PORT + node;
    }

    @Override
    public List<String> launchPrefix(int node) {
        return List.of();
    }

    @Override
    public boolean supportsFaults() {
        return false;
    }

    @Override
    public void cut(Map<Integer, Set<Integer>> grudges) {
        throw new UnsupportedOperationException("network faults need network namespaces");
    }

    @Override
    public void loss(Collection<Integer> nodes, double probability) {
        throw new UnsupportedOperationException("network faults need network namespaces");
    }

    @Override
    public void heal() {
    }

    @Override
    public void close() {
    }
}
