package io.sluice.jepsen;

import com.beust.jcommander.Parameter;
import io.sluice.jepsen.harness.ClusterSecurity;
import io.sluice.jepsen.nemesis.Fault;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * The command line of {@code sluice-jepsen}. Mutable (filled by JCommander), read by one thread.
 */
public final class SuiteOptions {
    @Parameter(names = "--workload", description = "queue, metadata, offsets (consumer groups committing offsets) or compacted"
            + " (keyed writes to a compacted topic, cleaned all the time)")
    String workload = "queue";

    @Parameter(names = "--subscribe", description = "queue: readers join one consumer group and commit, instead of assign")
    boolean subscribe;

    @Parameter(names = "--client", description = "queue and offsets: the client library of writers and readers: sluice"
            + " (its own, native protocol) or kafka (Apache Kafka's kafka-clients over the Kafka protocol)")
    String client = "sluice";

    @Parameter(names = "--group-protocol", description = "with --client kafka, for group members (offsets, queue"
            + " --subscribe): their group.protocol,"
            + " classic (JoinGroup/SyncGroup) or consumer (KIP-848)")
    String groupProtocol = "classic";

    @Parameter(names = "--nemesis", description = "Comma-separated fault families: kill, pause, partition, loss, power-loss,"
            + " power-loss-all, power-loss-dirs, disk, reassign (moves the topic's partitions; --nodes 4 or more), or none")
    String nemesis = "kill,pause,partition";

    @Parameter(names = "--compose", description = "Overlap faults: each window holds one to three faults of the"
            + " chosen families, started one after another, and one window in four lasts until the final heal")
    boolean compose;

    @Parameter(names = "--time-limit", description = "Seconds of workload under faults (then heal and final reads)")
    int timeLimit = 60;

    @Parameter(names = "--nodes", description = "Number of nodes (3 or 5)")
    int nodes = 3;

    @Parameter(names = "--test-count", description = "How many tests to run, one after the other")
    int testCount = 1;

    @Parameter(names = "--rate", description = "Target writes per second, over all writers")
    double rate = 100;

    @Parameter(names = "--seed", description = "Seed of the fault schedule and client choices (default: the time)")
    Long seed;

    @Parameter(names = "--interval", description = "Typical seconds of a fault window and of a quiet period")
    int interval = 10;

    @Parameter(names = "--keys", description = "Partitions of the workload's topic (queue, offsets)")
    int keys = 4;

    @Parameter(names = "--clients", description = "Writers, and as many readers (queue) or groups of 3 members (offsets)")
    int clients = 2;

    @Parameter(names = "--unsafe", description = "acks=1, min.insync.replicas=1, unclean leader election: loss expected")
    boolean unsafe;

    @Parameter(names = "--loopback", description = "Do not make network namespaces: process faults only")
    boolean loopback;

    @Parameter(names = "--security", description = "none, or sasl_ssl: every listener (clients, replication, Raft) on"
            + " TLS, SASL on the client listeners, the authorizer on, as ./sluice quorum start --security sasl_ssl")
    String security = ClusterSecurity.NONE;

    @Parameter(names = "--start-timeout", description = "Seconds the nodes may take to start and register (a loaded"
            + " machine needs more; TLS on every listener took 90 s to start on a loaded 2-core machine)")
    int startTimeout = 180;

    @Parameter(names = "--final-read-timeout", description = "Seconds the final reads may take")
    int finalReadTimeout = 60;

    @Parameter(names = "--distribution", description = "The built distribution (bin/, lib/); default: the one under deploy/target")
    String distribution;

    @Parameter(names = "--store", description = "Where runs are written")
    String store = "jepsen-tests/store";

    @Parameter(names = "--override", description = "key=value for every node's server.properties (repeatable)")
    List<String> overrides = new ArrayList<>();

    @Parameter(names = {"--help", "-h"}, help = true)
    boolean help;

    /** The fault families asked for; throws {@link IllegalArgumentException} naming an unknown one. */
    Set<Fault.Kind> kinds() {
        Set<Fault.Kind> kinds = EnumSet.noneOf(Fault.Kind.class);
        for (String part : nemesis.split(",")) {
            String name = part.trim().toLowerCase();
            if (name.isEmpty() || name.equals("none")) {
                continue;
            }
            try {
                kinds.add(Fault.Kind.ofFlag(name));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("unknown nemesis '" + name + "'; use kill, pause, partition, loss,"
                        + " power-loss, power-loss-all, power-loss-dirs, disk, reassign or none");
            }
        }
        return kinds;
    }

    /** Checks ranges; throws {@link IllegalArgumentException} saying what to change. */
    void validate() {
        if (nodes < 1 || nodes > 9) {
            throw new IllegalArgumentException("--nodes must be between 1 and 9 (3 or 5 make sense)");
        }
        if (timeLimit < 1 || testCount < 1 || rate <= 0 || interval < 1 || keys < 1 || clients < 1 || startTimeout < 1) {
            throw new IllegalArgumentException("--time-limit, --test-count, --rate, --interval, --keys, --clients and"
                    + " --start-timeout must be positive");
        }
        if (!List.of("queue", "metadata", "offsets", "compacted").contains(workload)) {
            throw new IllegalArgumentException("unknown workload '" + workload + "'; use queue, metadata, offsets or compacted");
        }
        if (!List.of("sluice", "kafka").contains(client)) {
            throw new IllegalArgumentException("unknown client '" + client + "'; use sluice or kafka");
        }
        if (client.equals("kafka") && workload.equals("metadata")) {
            throw new IllegalArgumentException("--client kafka drives the queue and offsets workloads, not metadata");
        }
        if (!List.of("classic", "consumer").contains(groupProtocol)) {
            throw new IllegalArgumentException("unknown group protocol '" + groupProtocol + "'; use classic or consumer");
        }
        if (groupProtocol.equals("consumer") && !(client.equals("kafka") && (workload.equals("offsets") || subscribe))) {
            throw new IllegalArgumentException("--group-protocol consumer is for group members (offsets, or queue"
                    + " --subscribe) with --client kafka");
        }
        if (subscribe && !workload.equals("queue")) {
            throw new IllegalArgumentException("--subscribe is a variant of the queue workload (offsets always subscribes)");
        }
        security = ClusterSecurity.parse(security);
        Set<Fault.Kind> kinds = kinds();
        if (kinds.contains(Fault.Kind.REASSIGN) && nodes < 4) {
            throw new IllegalArgumentException("--nemesis reassign needs --nodes 4 or more (5 makes sense): the topic has"
                    + " 3 replicas, and with 3 nodes a move could only reorder them");
        }
        if (loopback && (kinds.contains(Fault.Kind.PARTITION) || kinds.contains(Fault.Kind.LOSS))) {
            // refused up front: a run that silently skipped them would look like one that survived them
            throw new IllegalArgumentException("partition and loss faults need network namespaces, which --loopback"
                    + " turns off; drop --loopback or choose other faults (e.g. --nemesis kill,pause)");
        }
    }

    /** The test's name in the store and the report: the workload and its variant, e.g. {@code queue-subscribe}. */
    String testName() {
        return workload + (subscribe ? "-subscribe" : "") + (client.equals("kafka") ? "-kafka" : "")
                + (groupProtocol.equals("consumer") ? "-consumer" : "");
    }
}
