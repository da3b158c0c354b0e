package io.sluice.kafka;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.common.message.JoinGroupRequestData;
import org.apache.kafka.common.message.JoinGroupResponseData;
import org.apache.kafka.common.message.OffsetCommitRequestData;
import org.apache.kafka.common.message.OffsetCommitResponseData;
import org.apache.kafka.common.message.OffsetFetchRequestData;
import org.apache.kafka.common.message.OffsetFetchResponseData;
import org.apache.kafka.common.message.SyncGroupRequestData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.JoinGroupResponse;
import org.apache.kafka.common.requests.OffsetCommitResponse;
import org.apache.kafka.common.requests.OffsetFetchResponse;
import org.apache.kafka.common.requests.SyncGroupResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Group requests no well-behaved client sends, by hand on Kafka's wire against one node: a join with
 * another protocol type, a sync from a stale generation, a commit from outside an active group, one
 * for a topic that does not exist and one with an oversized metadata string. Each gets Kafka's error code, and another group's committed
 * offset and the group's own earlier commit stay as they were.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class KafkaGroupBadInputIT {
    private static final String TOPIC = "bad-input";
    private static OneNode one;

    @BeforeAll
    static void start() throws Exception {
        one = OneNode.start(TOPIC);
    }

    @AfterAll
    static void stop() {
        if (one != null) {
            one.close();
        }
    }

    @Test
    void badGroupRequestsGetKafkasErrorsAndChangeNothing() throws Exception {
        try (KafkaWire wire = one.wire()) {
            assertEquals(Errors.NONE.code(), partitionError(commit(wire, "bystander", TOPIC, 7, "")));
            assertEquals(Errors.NONE.code(), partitionError(commit(wire, "g", TOPIC, 3, "")));

            JoinGroupResponseData first = join(wire, "g", "", "consumer");
            assertEquals(Errors.MEMBER_ID_REQUIRED.code(), first.errorCode());
            JoinGroupResponseData joined = join(wire, "g", first.memberId(), "consumer");
            assertEquals(Errors.NONE.code(), joined.errorCode());
            assertEquals(Errors.INCONSISTENT_GROUP_PROTOCOL.code(), join(wire, "g", "", "connect").errorCode(),
                    "another protocol type in a consumer group");

            SyncGroupRequestData stale = new SyncGroupRequestData().setGroupId("g").setMemberId(joined.memberId())
                    .setGenerationId(joined.generationId() - 1).setProtocolType("consumer").setProtocolName("range");
            assertEquals(Errors.ILLEGAL_GENERATION.code(),
                    ((SyncGroupResponse) wire.roundTrip(ApiKeys.SYNC_GROUP, (short) 5, 3, stale)).data().errorCode());

            assertEquals(Errors.UNKNOWN_MEMBER_ID.code(), partitionError(commit(wire, "g", TOPIC, 9, "")),
                    "a group with members takes commits only from them");

            assertEquals(Errors.NONE.code(), partitionError(commit(wire, "solo", TOPIC, 5, "")));
            assertEquals(Errors.UNKNOWN_TOPIC_OR_PARTITION.code(), partitionError(commit(wire, "solo", "no-such-topic", 1, "")));
            assertEquals(Errors.OFFSET_METADATA_TOO_LARGE.code(),
                    partitionError(commit(wire, "solo", TOPIC, 9, "m".repeat(5000))));

            assertEquals(5, committed(wire, "solo"), "the refused commits changed nothing");
            assertEquals(3, committed(wire, "g"));
            assertEquals(7, committed(wire, "bystander"), "nor did they touch another group");
        }
    }

    private static JoinGroupResponseData join(KafkaWire wire, String group, String memberId, String protocolType)
            throws Exception {
        JoinGroupRequestData data = new JoinGroupRequestData().setGroupId(group).setMemberId(memberId)
                .setProtocolType(protocolType).setSessionTimeoutMs(10_000).setRebalanceTimeoutMs(10_000);
        data.protocols().add(new JoinGroupRequestData.JoinGroupRequestProtocol().setName("range").setMetadata(new byte[0]));
        return ((JoinGroupResponse) wire.roundTrip(ApiKeys.JOIN_GROUP, (short) 9, 2, data)).data();
    }

    /** A commit from outside the group's membership (generation -1), as an assign() consumer sends. */
    private static OffsetCommitResponseData commit(KafkaWire wire, String group, String topic, long offset, String metadata)
            throws Exception {
        OffsetCommitRequestData data = new OffsetCommitRequestData().setGroupId(group).setGenerationIdOrMemberEpoch(-1)
                .setMemberId("").setTopics(List.of(new OffsetCommitRequestData.OffsetCommitRequestTopic().setName(topic)
                        .setPartitions(List.of(new OffsetCommitRequestData.OffsetCommitRequestPartition()
                                .setPartitionIndex(0).setCommittedOffset(offset).setCommittedMetadata(metadata)))));
        return ((OffsetCommitResponse) wire.roundTrip(ApiKeys.OFFSET_COMMIT, (short) 8, 4, data)).data();
    }

    private static short partitionError(OffsetCommitResponseData r) {
        return r.topics().get(0).partitions().get(0).errorCode();
    }

    private static long committed(KafkaWire wire, String group) throws Exception {
        OffsetFetchRequestData data = new OffsetFetchRequestData().setGroups(List.of(
                new OffsetFetchRequestData.OffsetFetchRequestGroup().setGroupId(group).setTopics(List.of(
                        new OffsetFetchRequestData.OffsetFetchRequestTopics().setName(TOPIC).setPartitionIndexes(List.of(0))))));
        OffsetFetchResponseData r = ((OffsetFetchResponse) wire.roundTrip(ApiKeys.OFFSET_FETCH, (short) 9, 5, data)).data();
        return r.groups().get(0).topics().get(0).partitions().get(0).committedOffset();
    }
}
