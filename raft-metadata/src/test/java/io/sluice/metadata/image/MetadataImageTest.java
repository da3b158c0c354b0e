package io.sluice.metadata.image;

import io.sluice.protocol.metadata.ClusterIdRecord;
import io.sluice.protocol.metadata.CommitSequenceRecord;
import io.sluice.protocol.metadata.ConfigRecord;
import io.sluice.protocol.metadata.GroupOffsetRecord;
import io.sluice.protocol.metadata.MetadataCommandResult;
import io.sluice.protocol.metadata.MetadataRecord;
import io.sluice.protocol.metadata.ProducerIdsRecord;
import io.sluice.protocol.metadata.RemoveTopicRecord;
import io.sluice.protocol.metadata.RequestRecord;
import io.sluice.protocol.metadata.TopicRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

@Timeout(10)
class MetadataImageTest {

    /** An image touching every record type. */
    static MetadataImage sample() {
        MetadataDelta delta = new MetadataDelta(MetadataImage.EMPTY);
        delta.replay(MetadataRecord.newBuilder().setClusterId(ClusterIdRecord.newBuilder().setClusterId("c1")).build());
        delta.replay(new BrokerRegistration(1, 11, "h1", 9092, "r1", 3, false, false).toRecord());
        delta.replay(new BrokerRegistration(2, 12, "h2", 9093, "", 4, true, false).toRecord());
        delta.replay(topic("orders", "id-orders"));
        delta.replay(new PartitionRegistration(List.of(1, 2), List.of(1), 1, 3, 7).toRecord("id-orders", 0));
        delta.replay(new PartitionRegistration(List.of(2, 1), List.of(2, 1), -1, 0, 0).toRecord("id-orders", 1));
        delta.replay(topic("gone", "id-gone"));
        delta.replay(config("orders", "retention.ms", "100", false));
        delta.replay(offset("g", "orders", 1, 42, false));
        delta.replay(MetadataRecord.newBuilder().setCommitSequence(CommitSequenceRecord.newBuilder().setCoordinatorId(2)
                .setBrokerEpoch(4).setSequence(31)).build());
        delta.replay(MetadataRecord.newBuilder().setProducerIds(ProducerIdsRecord.newBuilder().setNextProducerId(5000)).build());
        delta.replay(MetadataRecord.newBuilder().setRequest(RequestRecord.newBuilder().setRequestId("r1")
                .setResult(MetadataCommandResult.newBuilder().setTopicId("id-orders"))).build());
        return delta.apply(17, 2);
    }

    @Test
    void roundTripsThroughRecords() {
        MetadataImage image = sample();
        MetadataImage copy = MetadataImage.fromRecords(image.toRecords(), image.index(), image.term());
        assertEquals(image, copy);
        assertEquals(image.toRecords(), copy.toRecords());
        assertEquals(new CommitSequence(4, 31), copy.groupOffsets().commitSequence(2));
        assertEquals(MetadataImage.EMPTY, MetadataImage.fromRecords(MetadataImage.EMPTY.toRecords(), 0, 0));
    }

    @Test
    void roundTripsRequestIdsAcrossGenerations() {
        MetadataDelta delta = new MetadataDelta(MetadataImage.EMPTY);
        for (int i = 0; i < RequestsImage.GENERATION_SIZE * 3 + 5; i++) {
            delta.replay(MetadataRecord.newBuilder().setRequest(RequestRecord.newBuilder().setRequestId("r" + i)).build());
        }
        MetadataImage image = delta.apply(1, 1);
        assertEquals(image, MetadataImage.fromRecords(image.toRecords(), 1, 1));
    }

    @Test
    void applyReusesUntouchedSubImages() {
        MetadataImage image = sample();
        MetadataDelta delta = new MetadataDelta(image);
        delta.replay(config("orders", "retention.ms", "200", false));
        MetadataImage next = delta.apply(18, 2);
        assertSame(image.cluster(), next.cluster());
        assertSame(image.topics(), next.topics());
        assertSame(image.groupOffsets(), next.groupOffsets());
        assertEquals("200", next.configs().value("orders", "retention.ms"));
        assertEquals("100", image.configs().value("orders", "retention.ms"), "the old image never changes");
        assertTrue(delta.topicsDelta().isEmpty());
        assertTrue(delta.configsDelta().isPresent());
    }

    @Test
    void partitionChangeReplacesOnlyThatTopicAndIsVisibleInTheDelta() {
        MetadataImage image = sample();
        MetadataDelta delta = new MetadataDelta(image);
        delta.replay(new PartitionRegistration(List.of(1, 2), List.of(1, 2), 1, 3, 8).toRecord("id-orders", 0));
        MetadataImage next = delta.apply(18, 2);
        assertEquals(List.of(1, 2), next.topics().topic("orders").partition(0).isr());
        assertSame(image.topics().topic("gone"), next.topics().topic("gone"));
        TopicsDelta.TopicChange change = delta.topicsDelta().orElseThrow().changedTopics().get("id-orders");
        assertFalse(change.created());
        assertEquals(java.util.Set.of(0), change.changedPartitions());
    }

    @Test
    void removingATopicDropsItsConfigsAndOffsets() {
        MetadataImage image = sample();
        MetadataDelta delta = new MetadataDelta(image);
        delta.replay(MetadataRecord.newBuilder().setRemoveTopic(RemoveTopicRecord.newBuilder().setTopicId("id-orders")).build());
        MetadataImage next = delta.apply(18, 2);
        assertNull(next.topics().topic("orders"));
        assertNull(next.topics().topicById("id-orders"));
        assertTrue(next.configs().topicConfig("orders").isEmpty());
        assertTrue(next.groupOffsets().groups().isEmpty());
        assertEquals("orders", delta.topicsDelta().orElseThrow().removedTopics().get("id-orders").name());
    }

    @Test
    void fencingRecordOfAnOlderEpochIsIgnored() {
        MetadataImage image = sample();
        MetadataDelta delta = new MetadataDelta(image);
        delta.replay(MetadataRecord.newBuilder().setBrokerFencing(io.sluice.protocol.metadata.BrokerFencingRecord
                .newBuilder().setBrokerId(1).setBrokerEpoch(2).setFenced(true)).build());
        delta.replay(MetadataRecord.newBuilder().setBrokerFencing(io.sluice.protocol.metadata.BrokerFencingRecord
                .newBuilder().setBrokerId(2).setBrokerEpoch(4).setFenced(false)).build());
        MetadataImage next = delta.apply(18, 2);
        assertFalse(next.cluster().broker(1).fenced());
        assertFalse(next.cluster().broker(2).fenced());
    }

    @Test
    void configAndOffsetRemovalRecords() {
        MetadataImage image = sample();
        MetadataDelta delta = new MetadataDelta(image);
        delta.replay(config("orders", "retention.ms", "", true));
        delta.replay(offset("g", "orders", 1, 0, true));
        MetadataImage next = delta.apply(18, 2);
        assertTrue(next.configs().topicConfigs().isEmpty());
        assertTrue(next.groupOffsets().groups().isEmpty());
        List<MetadataRecord> records = new ArrayList<>(next.toRecords());
        assertTrue(records.stream().noneMatch(MetadataRecord::hasConfig));
    }

    private static MetadataRecord topic(String name, String id) {
        return MetadataRecord.newBuilder().setTopic(TopicRecord.newBuilder().setName(name).setTopicId(id)).build();
    }

    private static MetadataRecord config(String topic, String key, String value, boolean remove) {
        return MetadataRecord.newBuilder().setConfig(ConfigRecord.newBuilder().setTopic(topic).setKey(key)
                .setValue(value).setRemove(remove)).build();
    }

    private static MetadataRecord offset(String group, String topic, int partition, long offset, boolean remove) {
        return MetadataRecord.newBuilder().setGroupOffset(GroupOffsetRecord.newBuilder().setGroup(group).setTopic(topic)
                .setPartition(partition).setOffset(offset).setMetadata("m").setCommitTimestampMs(99).setRemove(remove)).build();
    }
}
