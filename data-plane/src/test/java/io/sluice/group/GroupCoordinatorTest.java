package io.sluice.group;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.sluice.metadata.image.BrokerRegistration;
import io.sluice.metadata.image.CoordinatorLocator;
import io.sluice.metadata.image.MetadataImage;
import io.sluice.metadata.image.PartitionRegistration;
import io.sluice.protocol.MockTime;
import io.sluice.protocol.TopicPartition;
import io.sluice.protocol.ErrorCode;
import io.sluice.protocol.SluiceException;
import io.sluice.protocol.metadata.MetadataRecord;
import io.sluice.protocol.metadata.TopicRecord;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The coordinator's in-memory groups against images that move a group away from this node and back. */
@Timeout(10)
class GroupCoordinatorTest {
    private static final String GROUP = "g";
    private MetadataImage image;

    private void apply(long index, MetadataRecord... records) {
        image = TestImages.apply(image, index, records);
    }

    @Test
    void membersOfAGroupThatWasCoordinatedElsewhereMeanwhileAreDropped() {
        image = MetadataImage.EMPTY;
        apply(5, new BrokerRegistration(1, 1, "h", 9001, "", 1, false, false).toRecord(),
                new BrokerRegistration(2, 1, "h", 9002, "", 1, false, false).toRecord(),
                MetadataRecord.newBuilder().setTopic(TopicRecord.newBuilder().setName("t").setTopicId("id-t")).build(),
                new PartitionRegistration(List.of(1, 2), List.of(1, 2), 1, 0, 0).toRecord("id-t", 0));
        int first = CoordinatorLocator.coordinatorFor(GROUP, image.cluster()).getAsInt();
        int here = 3 - first;
        apply(10, TestImages.fencing(first, true)); // the group comes to this node
        GroupCoordinator coordinator = new GroupCoordinator(here, () -> image, GroupConfig.defaults(), new MockTime());
        Heartbeat.Result member = coordinator.heartbeat(GROUP, new Heartbeat.Request("", 0, "", 60_000, 45_000,
                List.of("t"), "", "", Set.of(), "c", "h"));
        GroupCoordinator.CommitCheck check = coordinator.checkCommit(GROUP, member.memberId(), member.memberEpoch(),
                member.assignment());
        assertEquals(10, check.coordinatedSince());
        assertEquals(Set.of(new TopicPartition("t", 0)), member.assignment());

        apply(20, TestImages.fencing(first, false)); // away to the first broker, where someone else may read the partition
        apply(30, TestImages.fencing(first, true)); // and back, before this node's timer noticed
        SluiceException stale = assertThrows(SluiceException.class, () -> coordinator.checkCommit(GROUP,
                member.memberId(), member.memberEpoch(), member.assignment()));
        assertEquals(ErrorCode.UNKNOWN_MEMBER_ID, stale.code(), "the member must rejoin, owning nothing");
        Heartbeat.Result rejoined = coordinator.heartbeat(GROUP, new Heartbeat.Request("", 0, "", 60_000, 45_000,
                List.of("t"), "", "", Set.of(), "c", "h"));
        assertEquals(30, coordinator.checkCommit(GROUP, rejoined.memberId(), rejoined.memberEpoch(), Set.of())
                .coordinatedSince());
    }
}
