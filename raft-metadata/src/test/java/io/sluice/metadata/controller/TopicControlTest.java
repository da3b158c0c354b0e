package io.sluice.metadata.controller;

import io.sluice.metadata.image.PartitionRegistration;
import io.sluice.metadata.image.TopicImage;
import io.sluice.protocol.ErrorCode;
import io.sluice.protocol.metadata.CommitOffsetsCommand;
import io.sluice.protocol.metadata.MetadataCommand;
import io.sluice.protocol.metadata.MetadataCommandResult;
import io.sluice.protocol.metadata.OffsetCommit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.List;
import java.util.Map;
import java.util.TreeSet;

import static io.sluice.metadata.controller.ControllerHarness.alterConfigs;
import static io.sluice.metadata.controller.ControllerHarness.createPartitions;
import static io.sluice.metadata.controller.ControllerHarness.createTopic;
import static io.sluice.metadata.controller.ControllerHarness.deleteTopic;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

@Timeout(10)
class TopicControlTest {

    private final ControllerHarness h = ControllerHarness.withBrokers(1, 2, 3);

    @Test
    void createsTopicWithFullIsrAndPreferredLeaders() {
        MetadataCommandResult result = h.ok(createTopic("orders", 3, 2, Map.of("retention.ms", "1000"))).result();
        TopicImage topic = h.image.topics().topic("orders");
        assertEquals(result.getTopicId(), topic.id());
        assertEquals(topic, h.image.topics().topicById(topic.id()));
        assertEquals(3, topic.partitionCount());
        for (PartitionRegistration p : topic.partitions().values()) {
            assertEquals(2, p.replicas().size());
            assertEquals(p.replicas(), p.isr());
            assertEquals(p.preferredLeader(), p.leader());
            assertEquals(0, p.leaderEpoch());
        }
        assertEquals("1000", h.image.configs().value("orders", "retention.ms"));
    }

    @Test
    void refusesExistingTopic() {
        h.ok(createTopic("orders", 1, 1));
        assertError(createTopic("orders", 1, 1), ErrorCode.TOPIC_ALREADY_EXISTS, "already exists");
    }

    @ParameterizedTest
    @ValueSource(strings = {"", ".", "..", "with space", "slash/topic", "ümlaut"})
    void refusesIllegalTopicNames(String name) {
        assertError(createTopic(name, 1, 1), ErrorCode.INVALID_TOPIC_EXCEPTION, "");
    }

    @Test
    void acceptsLongestLegalNameAndRefusesLonger() {
        h.ok(createTopic("a".repeat(249), 1, 1));
        assertError(createTopic("b".repeat(250), 1, 1), ErrorCode.INVALID_TOPIC_EXCEPTION, "limit is 249");
    }

    @Test
    void refusesNonPositivePartitionsAndReplicationFactor() {
        assertError(createTopic("t", 0, 1), ErrorCode.INVALID_PARTITIONS, "larger than 0");
        assertError(createTopic("t", 1, 0), ErrorCode.INVALID_REPLICATION_FACTOR, "larger than 0");
    }

    @Test
    void refusesReplicationFactorAboveAvailableBrokersAndSaysHowMany() {
        h.ok(h.fence(3));
        assertError(createTopic("t", 1, 3), ErrorCode.INVALID_REPLICATION_FACTOR, "available (registered, unfenced) brokers: 2");
    }

    @Test
    void refusesUnknownConfigKeyAndBadValue() {
        assertError(createTopic("t", 1, 1, Map.of("retention.msec", "1")), ErrorCode.INVALID_CONFIG, "Unknown topic config 'retention.msec'");
        assertError(createTopic("t", 1, 1, Map.of("cleanup.policy", "compacted")), ErrorCode.INVALID_CONFIG, "delete, compact or compact,delete");
        assertError(createTopic("t", 1, 1, Map.of("min.insync.replicas", "zero")), ErrorCode.INVALID_CONFIG, "min.insync.replicas");
        assertNull(h.image.topics().topic("t"));
    }

    @Test
    void deletesTopicWithItsConfigsAndCommittedOffsets() {
        h.ok(createTopic("t", 2, 1, Map.of("retention.ms", "5")));
        h.ok(createTopic("keep", 1, 1));
        h.ok(MetadataCommand.newBuilder().setCommitOffsets(CommitOffsetsCommand.newBuilder()
                .addOffsets(OffsetCommit.newBuilder().setGroup("g").setTopic("t").setPartition(1).setOffset(7))
                .addOffsets(OffsetCommit.newBuilder().setGroup("g").setTopic("keep").setPartition(0).setOffset(3))).build());

        h.ok(deleteTopic("t"));

        assertNull(h.image.topics().topic("t"));
        assertTrue(h.image.configs().topicConfig("t").isEmpty());
        assertEquals(1, h.image.groupOffsets().offsets("g").size());
        assertError(deleteTopic("t"), ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, "does not exist");
    }

    @Test
    void recreatedTopicGetsNewId() {
        String first = h.ok(createTopic("t", 1, 1)).result().getTopicId();
        h.ok(deleteTopic("t"));
        String second = h.ok(createTopic("t", 1, 1)).result().getTopicId();
        assertNotEquals(first, second);
    }

    @Test
    void growsPartitionsAndRefusesShrinkingWithCurrentCount() {
        h.ok(createTopic("t", 2, 3));
        h.ok(createPartitions("t", 5));
        TopicImage topic = h.image.topics().topic("t");
        assertEquals(5, topic.partitionCount());
        assertEquals(3, topic.partition(4).replicas().size());
        assertError(createPartitions("t", 5), ErrorCode.INVALID_PARTITIONS, "has 5 partitions");
        assertError(createPartitions("t", 1), ErrorCode.INVALID_PARTITIONS, "larger than 5");
        assertError(createPartitions("nope", 3), ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, "'nope'");
    }

    @Test
    void growingNeedsEnoughBrokersForTheReplicationFactor() {
        h.ok(createTopic("t", 1, 3));
        h.ok(h.fence(2));
        assertError(createPartitions("t", 2), ErrorCode.INVALID_REPLICATION_FACTOR, "brokers: 2");
    }

    @Test
    void altersConfigsBySettingAndDeleting() {
        h.ok(createTopic("t", 1, 1, Map.of("retention.ms", "5", "segment.bytes", "1048576")));
        h.ok(alterConfigs("t", Map.of("retention.ms", "10", "compression.type", "zstd"), "segment.bytes"));
        assertEquals(Map.of("retention.ms", "10", "compression.type", "zstd"), h.image.configs().topicConfig("t"));

        assertError(alterConfigs("t", Map.of("flush.ms", "-5")), ErrorCode.INVALID_CONFIG, "flush.ms");
        assertError(alterConfigs("t", Map.of(), "no.such.key"), ErrorCode.INVALID_CONFIG, "no.such.key");
        assertError(alterConfigs("t", Map.of("leader.replication.throttled.replicas", "0-1")), ErrorCode.INVALID_CONFIG,
                "partition:broker");
        assertError(alterConfigs("nope", Map.of("retention.ms", "1")), ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, "");
        assertEquals("10", h.image.configs().value("t", "retention.ms"));
    }

    @Test
    void acceptsEverySupportedConfigWithAValidValue() {
        Map<String, String> all = Map.ofEntries(Map.entry("cleanup.policy", "compact,delete"), Map.entry("retention.ms", "-1"),
                Map.entry("delete.retention.ms", "1000"), Map.entry("min.cleanable.dirty.ratio", "0.1"),
                Map.entry("min.compaction.lag.ms", "5"), Map.entry("max.compaction.lag.ms", "600000"),
                Map.entry("retention.bytes", "1000"), Map.entry("segment.bytes", "1048576"),
                Map.entry("segment.ms", "60000"), Map.entry("max.message.bytes", "1000000"),
                Map.entry("min.insync.replicas", "2"), Map.entry("unclean.leader.election.enable", "false"),
                Map.entry("flush.ms", "1000"), Map.entry("log.flush.policy", "interval"),
                Map.entry("message.timestamp.type", "LogAppendTime"), Map.entry("compression.type", "lz4"),
                Map.entry("leader.replication.throttled.replicas", "0:1,0:2"),
                Map.entry("follower.replication.throttled.replicas", "*"));
        assertEquals(TopicConfigs.supportedKeys(), new TreeSet<>(all.keySet()));
        h.ok(createTopic("t", 1, 1, all));
        assertEquals(all, h.image.configs().topicConfig("t"));
    }

    private void assertError(MetadataCommand command, ErrorCode code, String messagePart) {
        var before = h.image;
        ControllerResult result = h.run(command);
        assertEquals(code, result.result().getError(), result.result().getErrorMessage());
        assertTrue(result.result().getErrorMessage().contains(messagePart),
                () -> "'" + result.result().getErrorMessage() + "' should mention '" + messagePart + "'");
        assertEquals(List.of(), result.records());
        assertEquals(before.topics(), h.image.topics());
    }
}
