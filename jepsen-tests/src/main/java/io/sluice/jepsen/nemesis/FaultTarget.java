package io.sluice.jepsen.nemesis;

import io.sluice.client.PartitionInfo;
import io.sluice.jepsen.harness.Cluster;
import io.sluice.jepsen.harness.Disks;
import io.sluice.jepsen.harness.NodeProcess;
import io.sluice.jepsen.harness.Network;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What {@link NemesisRunner} acts on: the nodes' processes, the network between them, and who leads.
 * An interface so that the runner's scheduling and resolution of targets are tested with a fake
 * cluster. Implementations are thread-safe (healing may run from a shutdown hook).
 */
public interface FaultTarget {
    List<Integer> ids();

    void kill(int node);

    void pause(int node);

    /** Drops what a node, killed before, had not fsynced (see {@code CrashFs}); returns what was dropped. */
    String dropUnsynced(int node, String mode);

    /** Makes a node's disk fail ({@code enospc} on writes, {@code eio} on fsync) until {@link #healDisks}. */
    void failDisk(int node, String fault);

    /** Ends every disk fault. */
    void healDisks();

    Network network();

    Optional<Integer> raftLeader();

    Optional<PartitionInfo> partition(String topic, int partition);

    /** Resumes every paused node and starts every dead one; returns the ones started. */
    List<Integer> resumeAndRestart();

    /** The real cluster of processes. */
    static FaultTarget of(Cluster cluster, Disks disks) {
        Logger log = LoggerFactory.getLogger(NemesisRunner.class);
        return new FaultTarget() {
            @Override
            public List<Integer> ids() {
                return cluster.ids();
            }

            @Override
            public void kill(int node) {
                cluster.node(node).kill();
            }

            @Override
            public void pause(int node) {
                cluster.node(node).pause();
            }

            @Override
            public String dropUnsynced(int node, String mode) {
                return disks.drop(node, mode);
            }

            @Override
            public void failDisk(int node, String fault) {
                disks.fail(node, fault);
            }

            @Override
            public void healDisks() {
                disks.heal();
            }

            @Override
            public Network network() {
                return cluster.network();
            }

            @Override
            public Optional<Integer> raftLeader() {
                return cluster.raftLeader();
            }

            @Override
            public Optional<PartitionInfo> partition(String topic, int partition) {
                return cluster.partition(topic, partition);
            }

            @Override
            public List<Integer> resumeAndRestart() {
                List<Integer> restarted = new ArrayList<>();
                for (NodeProcess node : cluster.nodes()) {
                    node.resume();
                    if (!node.running()) {
                        try {
                            node.start();
                            restarted.add(node.id());
                        } catch (IOException e) {
                            log.warn("could not restart node {}: {}", node.id(), e.getMessage());
                        }
                    }
                }
                return restarted;
            }
        };
    }
}
