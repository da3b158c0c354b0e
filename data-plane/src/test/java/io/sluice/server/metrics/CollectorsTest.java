package io.sluice.server.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import io.sluice.metadata.raft.RaftStatus;
import io.sluice.metadata.raft.RatisMetric;
import io.sluice.metadata.image.BrokerRegistration;
import io.sluice.metadata.image.ClusterImage;
import io.sluice.metadata.image.CommittedOffset;
import io.sluice.metadata.image.GroupOffsetsImage;
import io.sluice.metadata.image.MetadataImage;
import io.sluice.metadata.image.PartitionRegistration;
import io.sluice.metadata.image.TopicImage;
import io.sluice.metadata.image.TopicsImage;
import io.sluice.protocol.TopicPartition;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The rules of the collectors, on hand-made state and rendered as a scrape would render them. */
@Timeout(10)
class CollectorsTest {
    private static MetricsText render(Families f) throws Exception {
        MetricSnapshots snapshots = f.build();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        PrometheusTextFormatWriter.create().write(out, snapshots);
        return MetricsText.parse(out.toString(StandardCharsets.UTF_8));
    }

    @Test
    void lagIsTheHighWatermarkMinusTheCommittedOffsetAndNeverNegative() {
        assertEquals(20, BrokerCollector.lag(30, 10));
        assertEquals(0, BrokerCollector.lag(30, 30));
        assertEquals(0, BrokerCollector.lag(5, 9), "a commit ahead of a new leader's high watermark is no lag");
        assertTrue(BrokerCollector.isUnderReplicated(3, 2));
        assertFalse(BrokerCollector.isUnderReplicated(3, 3));
        assertTrue(BrokerCollector.isUnderMinIsr(1, 2));
        assertFalse(BrokerCollector.isUnderMinIsr(2, 2));
    }

    @Test
    void groupLagIsReportedOnlyForPartitionsThisBrokerLeads() throws Exception {
        var tp0 = new TopicPartition("t", 0);
        var tp1 = new TopicPartition("t", 1);
        TreeMap<TopicPartition, CommittedOffset> offsets = new TreeMap<>();
        offsets.put(tp0, new CommittedOffset(10, "", 0));
        offsets.put(tp1, new CommittedOffset(4, "", 0));
        TreeMap<String, java.util.SortedMap<TopicPartition, CommittedOffset>> groups =
                new TreeMap<>();
        groups.put("g", offsets);
        MetadataImage e = MetadataImage.EMPTY;
        MetadataImage image = new MetadataImage(e.index(), e.term(), e.clusterId(), e.cluster(), e.topics(),
                e.configs(), new GroupOffsetsImage(groups, new TreeMap<>()), e.nextProducerId(), e.requests(), e.scram(), e.acls());
        Families f = new Families();
        BrokerCollector.groupLag(f, image, tp -> tp.equals(new TopicPartition("t", 0)) ? 25L : null);
        MetricsText text = render(f);
        assertEquals(15, text.valueOrZero("sluice_group_lag", "group", "g", "topic", "t", "partition", "0"));
        assertTrue(text.value("sluice_group_lag", "partition", "1").isEmpty(), "its leader reports partition 1");
    }

    @Test
    void raftLagsAreDerivedFromTheIndices() throws Exception {
        Families f = new Families();
        QuorumCollector.raft(f, new RaftStatus(7, 1, true, 100, 96, 104, Map.of(2, 104L, 3, 90L)));
        MetricsText text = render(f);
        assertEquals(4, text.valueOrZero("sluice_raft_apply_lag"));
        assertEquals(0, text.valueOrZero("sluice_raft_follower_lag", "peer", "2"));
        assertEquals(14, text.valueOrZero("sluice_raft_follower_lag", "peer", "3"));
        assertEquals(7, text.valueOrZero("sluice_raft_term"));
        assertEquals(1, text.valueOrZero("sluice_raft_leader"));
    }

    @Test
    void clusterCountsComeFromTheActiveControllerOnly() throws Exception {
        TreeMap<Integer, BrokerRegistration> brokers = new TreeMap<>();
        brokers.put(1, new BrokerRegistration(1, 1, "h", 1, "", 1, false, false));
        brokers.put(2, new BrokerRegistration(2, 1, "h", 2, "", 2, true, false));
        TreeMap<Integer, PartitionRegistration> partitions = new TreeMap<>();
        partitions.put(0, new PartitionRegistration(List.of(1, 2), List.of(1), 1, 1, 1));
        partitions.put(1, new PartitionRegistration(List.of(2), List.of(2), PartitionRegistration.NO_LEADER, 2, 2));
        MetadataImage e = MetadataImage.EMPTY;
        MetadataImage image = new MetadataImage(e.index(), e.term(), e.clusterId(),
                new ClusterImage(brokers, new TreeMap<>()), new TopicsImage(Map.of("id", new TopicImage("t", "id",
                partitions))), e.configs(), e.groupOffsets(), e.nextProducerId(), e.requests(), e.scram(), e.acls());

        Families active = new Families();
        QuorumCollector.controller(active, image, true);
        MetricsText a = render(active);
        assertEquals(1, a.valueOrZero("sluice_controller_fenced_brokers"));
        assertEquals(1, a.valueOrZero("sluice_controller_offline_partitions"));
        assertEquals(2, a.valueOrZero("sluice_controller_registered_brokers"));

        Families standby = new Families();
        QuorumCollector.controller(standby, image, false);
        MetricsText s = render(standby);
        assertEquals(0, s.value("sluice_controller_offline_partitions").orElseThrow(), "served, as 0");
        assertEquals(0, s.valueOrZero("sluice_controller_active"));
    }

    @Test
    void ratisMetricsAreRenamedAndTheirPeerBecomesALabel() throws Exception {
        assertEquals("append_entry_latency", QuorumCollector.snake("appendEntryLatency"));
        assertEquals("startlogsegment_execution_time", QuorumCollector.snake("startlogsegment.executionTime"));
        Families f = new Families();
        QuorumCollector.ratis(f, new RatisMetric("log_worker", "flushTime", null, RatisMetric.Kind.TIMER, 15, 0.002,
                0.08));
        QuorumCollector.ratis(f, new RatisMetric("server", "lastHeartbeatElapsedTime", "2", RatisMetric.Kind.GAUGE,
                12, Double.NaN, Double.NaN));
        QuorumCollector.ratis(f, new RatisMetric("log_worker", "flushCount", null, RatisMetric.Kind.COUNTER, 15,
                Double.NaN, Double.NaN));
        MetricsText text = render(f);
        assertEquals(15, text.valueOrZero("sluice_ratis_log_worker_flush_time_seconds_count"));
        assertEquals(0.08, text.valueOrZero("sluice_ratis_log_worker_flush_time_seconds", "quantile", "0.99"));
        assertEquals(12, text.valueOrZero("sluice_ratis_server_last_heartbeat_elapsed_time", "peer", "2"));
        assertEquals(15, text.valueOrZero("sluice_ratis_log_worker_flush_count_total"));
    }

    @Test
    void aNameReusedWithAnotherKindOrARepeatedLabelSetIsDroppedNotFatal() throws Exception {
        Families f = new Families();
        f.gauge("x", "a gauge", 1, "peer", "2");
        f.gauge("x", "the same series again", 2, "peer", "2");
        f.counter("x", "a counter of the same name", 3);
        f.counter("y_total", "a counter named with its suffix", 4);
        MetricsText text = render(f);
        assertEquals(1, text.valueOrZero("x", "peer", "2"));
        assertEquals(1, text.samples().stream().filter(s -> s.name().equals("x")).count());
        assertEquals(4, text.valueOrZero("y_total"));
    }
}
