package io.sluice.server.metrics;

import io.prometheus.metrics.model.registry.MultiCollector;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import io.sluice.metadata.MetadataNode;
import io.sluice.metadata.raft.RaftStatus;
import io.sluice.metadata.raft.RatisMetric;
import io.sluice.metadata.image.BrokerRegistration;
import io.sluice.metadata.image.MetadataImage;
import io.sluice.metadata.image.PartitionRegistration;
import io.sluice.metadata.image.TopicImage;
import java.util.Locale;

/**
 * The metadata quorum's metrics, computed when scraped: this node's Raft state (term, leader,
 * commit and applied index and the lag between them; on the leader each follower's lag), the
 * controller's view of the cluster, and Ratis' own measurements bridged under
 * {@code sluice_ratis_<component>_<name>}.
 *
 * <p>Cluster-wide counts (fenced brokers, offline partitions) are reported by the active controller
 * only, as Kafka does, and are 0 on the other nodes: a stale image on a cut-off node must not add
 * phantom offline partitions, and {@code max} or {@code sum} over the cluster gives the figure.
 *
 * <p>Thread-safe: reads the node's volatile image and Ratis' concurrent state.
 */
final class QuorumCollector implements MultiCollector {
    private final MetadataNode metadata;

    QuorumCollector(MetadataNode metadata) {
        this.metadata = metadata;
    }

    @Override
    public MetricSnapshots collect() {
        Families f = new Families();
        raft(f, metadata.raftStatus());
        controller(f, metadata.image(), metadata.isLeader());
        for (RatisMetric m : metadata.ratisMetrics()) {
            ratis(f, m);
        }
        return f.build();
    }

    static void raft(Families f, RaftStatus s) {
        f.gauge("sluice_raft_term", "Current Raft term of the metadata quorum", s.term());
        f.gauge("sluice_raft_leader_id", "Node id of the metadata quorum leader this node knows, -1 if none",
                s.leaderId());
        f.gauge("sluice_raft_leader", "1 if this node leads the metadata quorum, else 0", s.leader() ? 1 : 0);
        f.gauge("sluice_raft_commit_index", "Highest metadata log index known committed", s.commitIndex());
        f.gauge("sluice_raft_applied_index", "Highest metadata log index applied to this node's image",
                s.appliedIndex());
        f.gauge("sluice_raft_last_log_index", "Last index in this node's metadata log", s.lastLogIndex());
        f.gauge("sluice_raft_apply_lag", "Committed metadata entries this node has not applied yet",
                Math.max(0, s.commitIndex() - s.appliedIndex()));
        s.followerMatchIndex().forEach((peer, match) -> {
            f.gauge("sluice_raft_follower_match_index", "On the leader: last index each follower is known to hold",
                    match, "peer", Integer.toString(peer));
            f.gauge("sluice_raft_follower_lag", "On the leader: entries each follower is behind the leader's log",
                    Math.max(0, s.lastLogIndex() - match), "peer", Integer.toString(peer));
        });
    }

    static void controller(Families f, MetadataImage image, boolean active) {
        int registered = 0;
        int fenced = 0;
        int offline = 0;
        int partitions = 0;
        if (active) {
            for (BrokerRegistration b : image.cluster().brokers().values()) {
                registered++;
                fenced += b.fenced() ? 1 : 0;
            }
            for (TopicImage topic : image.topics().byName().values()) {
                for (PartitionRegistration p : topic.partitions().values()) {
                    partitions++;
                    offline += p.hasLeader() ? 0 : 1;
                }
            }
        }
        f.gauge("sluice_controller_active", "1 on the active controller (the metadata quorum leader), else 0",
                active ? 1 : 0);
        f.gauge("sluice_controller_registered_brokers", "Brokers registered (active controller only)", registered);
        f.gauge("sluice_controller_fenced_brokers", "Registered brokers that are fenced (active controller only)",
                fenced);
        f.gauge("sluice_controller_partitions", "Partitions in the cluster (active controller only)", partitions);
        f.gauge("sluice_controller_offline_partitions", "Partitions without a leader (active controller only)",
                offline);
    }

    static void ratis(Families f, RatisMetric m) {
        String name = "sluice_ratis_" + snake(m.component()) + "_" + snake(m.name());
        String help = "Ratis " + m.component() + " metric " + m.name();
        String[] labels = m.peer() == null ? new String[0] : new String[] {"peer", m.peer()};
        switch (m.kind()) {
            case GAUGE -> f.gauge(name, help, m.value(), labels);
            case COUNTER -> f.counter(name, help, m.value(), labels);
            case TIMER -> f.summary(name + "_seconds", help + " (recent window)", (long) m.value(), m.p50(), m.p99(),
                    labels);
        }
    }

    /** Ratis' camelCase and dotted names in Prometheus' snake case: {@code appendEntryLatency -> append_entry_latency}. */
    static String snake(String name) {
        String s = name.replaceAll("([a-z0-9])([A-Z])", "$1_$2").toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9_]", "_");
        return s.replaceAll("_+", "_").replaceAll("^_|_$", "");
    }
}
