package io.sluice.server.metrics;

import io.prometheus.metrics.model.registry.MultiCollector;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import io.sluice.metadata.image.CommittedOffset;
import io.sluice.metadata.image.MetadataImage;
import io.sluice.replication.Partition;
import io.sluice.replication.PartitionCounters;
import io.sluice.replication.ReplicaManager;
import io.sluice.network.Connections;
import io.sluice.protocol.TopicPartition;
import io.sluice.storage.LogCleaner;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * The broker's metrics, computed when scraped from the state the broker keeps anyway: traffic per
 * topic (summed from the counters each partition holds), offsets per partition, replica health,
 * ISR changes, connections, and consumer lag. Nothing here runs on the produce or fetch path.
 *
 * <p>Consumer lag is reported by the leader of each partition, which knows its high watermark, from
 * the committed offsets in its metadata image; so each (group, partition) appears on exactly one node
 * and {@code sum by (group)} over the cluster is the group's lag.
 *
 * <p>Thread-safe: reads concurrent structures; called by the metrics server's thread.
 */
final class BrokerCollector implements MultiCollector {
    private final ReplicaManager replicas;
    private final Connections connections;
    private final LogCleaner cleaner;

    BrokerCollector(ReplicaManager replicas, Connections connections, LogCleaner cleaner) {
        this.replicas = replicas;
        this.connections = connections;
        this.cleaner = cleaner;
    }

    @Override
    public MetricSnapshots collect() {
        Families f = new Families();
        Map<TopicPartition, Partition> partitions = new TreeMap<>(java.util.Comparator
                .comparing(TopicPartition::topic).thenComparingInt(TopicPartition::partition));
        partitions.putAll(replicas.partitions());
        MetadataImage image = replicas.image();
        topics(f, partitions);
        int leaders = 0;
        int underReplicated = 0;
        int underMinIsr = 0;
        for (Partition p : partitions.values()) {
            String[] labels = {"topic", p.topicPartition().topic(), "partition",
                    Integer.toString(p.topicPartition().partition())};
            f.gauge("sluice_partition_log_end_offset", "Log end offset of the local replica", p.log().logEndOffset(),
                    labels);
            f.gauge("sluice_partition_high_watermark", "High watermark of the local replica", p.highWatermark(), labels);
            f.gauge("sluice_partition_log_start_offset", "Log start offset of the local replica",
                    p.log().logStartOffset(), labels);
            f.gauge("sluice_partition_leader", "1 if this broker leads the partition, else 0", p.isLeader() ? 1 : 0,
                    labels);
            if (cleaner != null) {
                cleaner.progress(p.log()).ifPresent(progress -> {
                    f.gauge("sluice_log_cleaner_dirty_ratio", "Compacted partitions: uncleaned share of the"
                            + " cleanable bytes of the local replica", progress.dirtyRatio(), labels);
                    f.gauge("sluice_log_cleaner_last_cleaned_offset", "Compacted partitions: the local replica is"
                            + " cleaned below this offset (the cleaner checkpoint)", progress.firstDirtyOffset(), labels);
                    f.gauge("sluice_log_cleaner_records_removed", "Compacted partitions: records the local cleaner"
                            + " removed since the node started", progress.recordsRemoved(), labels);
                });
            }
            if (p.isLeader()) {
                leaders++;
                int minIsr = replicas.defaults().minInsyncReplicas(image.configs().topicConfig(p.topicPartition().topic()),
                        p.replicaCount());
                underReplicated += isUnderReplicated(p.replicaCount(), p.isr().size()) ? 1 : 0;
                underMinIsr += isUnderMinIsr(p.isr().size(), minIsr) ? 1 : 0;
            }
        }
        f.gauge("sluice_replica_partitions", "Partition replicas on this broker", partitions.size());
        f.gauge("sluice_replica_leader_partitions", "Partitions this broker leads", leaders);
        f.gauge("sluice_replica_under_replicated_partitions",
                "Partitions this broker leads whose ISR is smaller than their replica set", underReplicated);
        f.gauge("sluice_replica_under_min_isr_partitions",
                "Partitions this broker leads whose ISR is below min.insync.replicas (acks=all writes are refused)",
                underMinIsr);
        f.counter("sluice_replica_isr_shrinks", "ISR shrinks of partitions this broker led", replicas.isrShrinks());
        f.counter("sluice_replica_isr_expands", "ISR expansions of partitions this broker led", replicas.isrExpands());
        connections.open().forEach((protocol, n) -> f.gauge("sluice_connections",
                "Open data-plane connections by protocol", n, "protocol", protocol));
        connections.accepted().forEach((protocol, n) -> f.counter("sluice_connections_accepted",
                "Data-plane connections accepted since start, by protocol", n, "protocol", protocol));
        groupLag(f, image, tp -> {
            Partition p = partitions.get(tp);
            return p != null && p.isLeader() ? p.highWatermark() : null;
        });
        return f.build();
    }

    private static void topics(Families f, Map<TopicPartition, Partition> partitions) {
        SortedMap<String, long[]> byTopic = new TreeMap<>();
        for (Partition p : partitions.values()) {
            PartitionCounters c = p.counters();
            long[] sums = byTopic.computeIfAbsent(p.topicPartition().topic(), t -> new long[5]);
            sums[0] += c.bytesIn();
            sums[1] += c.recordsIn();
            sums[2] += c.bytesOut();
            sums[3] += c.recordsOut();
            sums[4] += c.replicationBytesOut();
        }
        byTopic.forEach((topic, s) -> {
            f.counter("sluice_topic_bytes_in", "Bytes of record batches producers appended", s[0], "topic", topic);
            f.counter("sluice_topic_records_in", "Records producers appended", s[1], "topic", topic);
            f.counter("sluice_topic_bytes_out", "Bytes of record batches sent to consumers", s[2], "topic", topic);
            f.counter("sluice_topic_records_out", "Records in the whole batches sent to consumers", s[3],
                    "topic", topic);
            f.counter("sluice_topic_replication_bytes_out", "Bytes of record batches sent to follower replicas", s[4],
                    "topic", topic);
        });
    }

    /**
     * Lag of every committed (group, partition) whose high watermark {@code leaderHighWatermark} knows
     * (the partitions this broker leads; null for the others).
     */
    static void groupLag(Families f, MetadataImage image, Function<TopicPartition, Long> leaderHighWatermark) {
        image.groupOffsets().groups().forEach((group, offsets) -> {
            for (Map.Entry<TopicPartition, CommittedOffset> e : offsets.entrySet()) {
                TopicPartition tp = e.getKey();
                Long hw = leaderHighWatermark.apply(tp);
                if (hw != null) {
                    f.gauge("sluice_group_lag", "High watermark minus the group's committed offset (on the leader)",
                            lag(hw, e.getValue().offset()), "group", group, "topic", tp.topic(), "partition",
                            Integer.toString(tp.partition()));
                }
            }
        });
    }

    /** Records the group has yet to consume; never negative (a commit can run ahead of a new leader's HW). */
    static long lag(long highWatermark, long committed) {
        return Math.max(0, highWatermark - Math.max(0, committed));
    }

    static boolean isUnderReplicated(int replicas, int isr) {
        return isr < replicas;
    }

    static boolean isUnderMinIsr(int isr, int minIsr) {
        return isr < minIsr;
    }
}
