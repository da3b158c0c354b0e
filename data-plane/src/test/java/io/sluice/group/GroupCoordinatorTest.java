package io.sluice.group;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sluice.metadata.image.BrokerRegistration;
import io.sluice.metadata.image.CoordinatorLocator;
import io.sluice.metadata.image.MetadataImage;
import io.sluice.metadata.image.PartitionRegistration;
import io.sluice.protocol.ErrorCode;
import io.sluice.protocol.MockTime;
import io.sluice.protocol.SluiceException;
import io.sluice.protocol.TopicPartition;
import io.sluice.protocol.metadata.GroupOffsetRecord;
import io.sluice.protocol.metadata.MetadataRecord;
import io.sluice.protocol.metadata.TopicRecord;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The coordinator's rules over its in-memory groups, against metadata images that move groups between
 * two brokers: who coordinates a group, the hold on new partitions after a takeover, commits and
 * deletes against the members, describing and listing, and the timer's expiry.
 */
@Timeout(10)
class GroupCoordinatorTest {
    private static final String GROUP = "g";
    private static final TopicPartition T0 = new TopicPartition("t", 0);
    private static final int DELAY_MS = 3_000;
    private final MockTime time = new MockTime();
    private MetadataImage image = MetadataImage.EMPTY;
    /** The broker that coordinates {@link #GROUP} while both are live, and the one under test. */
    private int other;
    private int here;

    private void apply(long index, MetadataRecord... records) {
        image = TestImages.apply(image, index, records);
    }

    /** Brokers 1 and 2 live, topic t with one partition; {@link #GROUP} belongs to {@link #other}. */
    @BeforeEach
    void twoBrokers() {
        apply(5, new BrokerRegistration(1, 1, "h", 9001, "", 1, false, false).toRecord(),
                new BrokerRegistration(2, 1, "h", 9002, "", 1, false, false).toRecord(),
                MetadataRecord.newBuilder().setTopic(TopicRecord.newBuilder().setName("t").setTopicId("id-t")).build(),
                new PartitionRegistration(List.of(1, 2), List.of(1, 2), 1, 0, 0).toRecord("id-t", 0));
        other = CoordinatorLocator.coordinatorFor(GROUP, image.cluster()).getAsInt();
        here = 3 - other;
    }

    private GroupCoordinator coordinator() {
        return new GroupCoordinator(here, () -> image, GroupConfig.defaults().withInitialRebalanceDelayMs(DELAY_MS),
                time);
    }

    private static Heartbeat.Request join() {
        return new Heartbeat.Request("", Heartbeat.JOIN_EPOCH, "", 60_000, 45_000, List.of("t"), "", "", Set.of(),
                "c", "h");
    }

    private static Heartbeat.Request next(Heartbeat.Result last) {
        return new Heartbeat.Request(last.memberId(), last.memberEpoch(), "", 60_000, 45_000, null, null, null,
                last.assignment(), "c", "h");
    }

    private static Heartbeat.Request leave(Heartbeat.Result last) {
        return new Heartbeat.Request(last.memberId(), Heartbeat.LEAVE_EPOCH, "", 60_000, 45_000, null, null, null,
                Set.of(), "c", "h");
    }

    private static MetadataRecord committed(String group) {
        return MetadataRecord.newBuilder().setGroupOffset(GroupOffsetRecord.newBuilder().setGroup(group)
                .setTopic("t").setPartition(0).setOffset(7)).build();
    }

    /** A group id that {@code broker} coordinates while both brokers are live. */
    private String groupOf(int broker) {
        for (int i = 0; ; i++) {
            String id = "group-" + i;
            if (CoordinatorLocator.coordinatorFor(id, image.cluster()).getAsInt() == broker) {
                return id;
            }
        }
    }

    private static void assertRefused(ErrorCode expected, Executable call) {
        assertEquals(expected, assertThrows(SluiceException.class, call).code());
    }

    @Test
    void membersOfAGroupThatWasCoordinatedElsewhereMeanwhileAreDropped() {
        apply(10, TestImages.fencing(other, true)); // the group comes to this node
        GroupCoordinator coordinator = coordinator();
        Heartbeat.Result member = coordinator.heartbeat(GROUP, join());
        GroupCoordinator.CommitCheck check = coordinator.checkCommit(GROUP, member.memberId(), member.memberEpoch(),
                member.assignment());
        assertEquals(10, check.coordinatedSince());
        assertEquals(Set.of(T0), member.assignment());

        apply(20, TestImages.fencing(other, false)); // away to the other broker, where someone else may read the partition
        apply(30, TestImages.fencing(other, true)); // and back, before this node's timer noticed
        SluiceException stale = assertThrows(SluiceException.class, () -> coordinator.checkCommit(GROUP,
                member.memberId(), member.memberEpoch(), member.assignment()));
        assertEquals(ErrorCode.UNKNOWN_MEMBER_ID, stale.code(), "the member must rejoin, owning nothing");
        Heartbeat.Result rejoined = coordinator.heartbeat(GROUP, join());
        assertEquals(30, coordinator.checkCommit(GROUP, rejoined.memberId(), rejoined.memberEpoch(), Set.of())
                .coordinatedSince());
    }

    @Test
    void everyRequestForAGroupAnotherBrokerCoordinatesIsRefusedWithNotCoordinator() {
        GroupCoordinator coordinator = coordinator();
        assertRefused(ErrorCode.NOT_COORDINATOR, () -> coordinator.heartbeat(GROUP, join()));
        assertRefused(ErrorCode.NOT_COORDINATOR, () -> coordinator.checkCommit(GROUP, "", -1, Set.of(T0)));
        assertRefused(ErrorCode.NOT_COORDINATOR, () -> coordinator.checkNoMembers(GROUP, "delete it"));
        assertRefused(ErrorCode.NOT_COORDINATOR, () -> coordinator.describe(GROUP));
        assertRefused(ErrorCode.NOT_COORDINATOR, () -> coordinator.describeMembers(GROUP));
        assertFalse(coordinator.hasMembers(GROUP), "a refused join creates no group");
    }

    @Test
    void withNoLiveBrokerTheCoordinatorIsNotAvailableAndAnEmptyGroupIdIsInvalid() {
        GroupCoordinator coordinator = coordinator();
        assertRefused(ErrorCode.INVALID_GROUP_ID, () -> coordinator.heartbeat("", join()));
        apply(10, TestImages.fencing(1, true), TestImages.fencing(2, true));
        assertRefused(ErrorCode.COORDINATOR_NOT_AVAILABLE, () -> coordinator.heartbeat(GROUP, join()));
        assertRefused(ErrorCode.COORDINATOR_NOT_AVAILABLE, () -> coordinator.checkCoordinator(GROUP));
    }

    @Test
    void aGroupWithCommittedOffsetsThatMovedHereHandsOutNoNewPartitionUntilTheDelayAfterTheMovePassed() {
        apply(6, committed(GROUP));
        GroupCoordinator coordinator = coordinator();
        coordinator.expire(); // the timer sees both brokers live
        time.sleep(10_000);
        apply(10, TestImages.fencing(other, true)); // the group comes here now
        coordinator.expire(); // and the timer notices at once: the hold counts from now
        time.sleep(DELAY_MS - 1_000);
        Heartbeat.Result joined = coordinator.heartbeat(GROUP, join());
        assertEquals(Set.of(), joined.assignment(), "members of the old coordinator may still read the partition");
        assertTrue(joined.pending());
        time.sleep(999);
        Heartbeat.Result held = coordinator.heartbeat(GROUP, next(joined));
        assertEquals(Set.of(), held.assignment());
        time.sleep(1);
        assertEquals(Set.of(T0), coordinator.heartbeat(GROUP, next(held)).assignment(),
                "the delay after the move has passed");
    }

    @Test
    void theFirstRejoinAfterAMoveIsHeldEvenBeforeTheTimerNoticedTheMove() {
        apply(6, committed(GROUP));
        GroupCoordinator coordinator = coordinator();
        coordinator.expire();
        time.sleep(10_000);
        apply(10, TestImages.fencing(other, true));
        Heartbeat.Result joined = coordinator.heartbeat(GROUP, join()); // before the next tick
        assertEquals(Set.of(), joined.assignment());
        time.sleep(DELAY_MS);
        assertEquals(Set.of(T0), coordinator.heartbeat(GROUP, next(joined)).assignment());
    }

    @Test
    void aGroupIsNotHeldWithoutCommittedOffsetsNorOnceTheDelayAfterTheMovePassed() {
        apply(10, TestImages.fencing(other, true));
        assertEquals(Set.of(T0), coordinator().heartbeat(GROUP, join()).assignment(),
                "no offsets: no earlier coordinator had members");

        apply(11, committed(GROUP));
        GroupCoordinator coordinator = coordinator();
        coordinator.expire(); // the timer sees the brokers as they are from now on
        time.sleep(DELAY_MS);
        assertEquals(Set.of(T0), coordinator.heartbeat(GROUP, join()).assignment(),
                "the brokers last changed a delay ago");
    }

    @Test
    void aCommitFromOutsideTheGroupIsAllowedOnlyWhileNoMemberIsHereAndCarriesTheImageIndex() {
        apply(10, TestImages.fencing(other, true));
        GroupCoordinator coordinator = coordinator();
        GroupCoordinator.CommitCheck outside = coordinator.checkCommit(GROUP, "", -1, Set.of(T0));
        assertEquals(java.util.Map.of(), outside.refused());
        assertEquals(10, outside.coordinatedSince());
        apply(12); // a later image: the answer names the image it was checked against
        assertEquals(12, coordinator.checkCommit(GROUP, "", -1, Set.of(T0)).coordinatedSince());

        coordinator.heartbeat(GROUP, join());
        assertRefused(ErrorCode.UNKNOWN_MEMBER_ID, () -> coordinator.checkCommit(GROUP, "", -1, Set.of(T0)));
    }

    @Test
    void aGroupIsDeletedOrResetOnlyWithoutMembers() {
        apply(10, TestImages.fencing(other, true));
        GroupCoordinator coordinator = coordinator();
        assertEquals(10, coordinator.checkNoMembers(GROUP, "delete it"));
        Heartbeat.Result member = coordinator.heartbeat(GROUP, join());
        assertRefused(ErrorCode.NON_EMPTY_GROUP, () -> coordinator.checkNoMembers(GROUP, "delete it"));
        assertTrue(coordinator.hasMembers(GROUP), "checking changes nothing");
        coordinator.heartbeat(GROUP, leave(member));
        assertFalse(coordinator.hasMembers(GROUP));
        assertEquals(10, coordinator.checkNoMembers(GROUP, "delete it"));
    }

    @Test
    void describeShowsMembersOrTheEmptyGroupOfCommittedOffsetsAndRefusesAnUnknownGroup() {
        apply(10, TestImages.fencing(other, true));
        GroupCoordinator coordinator = coordinator();
        assertRefused(ErrorCode.GROUP_ID_NOT_FOUND, () -> coordinator.describe(GROUP));
        assertRefused(ErrorCode.GROUP_ID_NOT_FOUND, () -> coordinator.describeMembers(GROUP));

        apply(11, committed(GROUP));
        GroupDescription offsetsOnly = coordinator.describe(GROUP);
        assertEquals(GROUP, offsetsOnly.groupId());
        assertEquals(GroupState.EMPTY, offsetsOnly.state());
        assertEquals(List.of(), offsetsOnly.members());
        assertRefused(ErrorCode.GROUP_ID_NOT_FOUND, () -> coordinator.describeMembers(GROUP));

        coordinator.expire(); // the timer sees the brokers
        time.sleep(DELAY_MS); // and the hold after they changed is over
        Heartbeat.Result member = coordinator.heartbeat(GROUP, join());
        for (GroupDescription d : List.of(coordinator.describe(GROUP), coordinator.describeMembers(GROUP))) {
            assertEquals(GroupState.STABLE, d.state());
            assertEquals(List.of(member.memberId()), d.members().stream().map(GroupDescription.Member::memberId).toList());
            assertEquals(Set.of(T0), d.members().get(0).assignment());
        }
    }

    @Test
    void aGroupOfTheClassicProtocolIsNotAConsumerGroupToDescribe() {
        apply(10, TestImages.fencing(other, true));
        GroupCoordinator coordinator = coordinator();
        coordinator.refuseClassicGroups(GROUP::equals);
        SluiceException refused = assertThrows(SluiceException.class, () -> coordinator.describeMembers(GROUP));
        assertEquals(ErrorCode.GROUP_ID_NOT_FOUND, refused.code());
        assertTrue(refused.getMessage().contains("is not a consumer group"), refused.getMessage());
    }

    @Test
    void listNamesTheGroupsThisBrokerCoordinatesWithMembersOrCommittedOffsets() {
        String mine = groupOf(here);
        String withMembers = mine + "-members";
        while (CoordinatorLocator.coordinatorFor(withMembers, image.cluster()).getAsInt() != here) {
            withMembers += "x";
        }
        apply(6, committed(mine), committed(groupOf(other)));
        GroupCoordinator coordinator = coordinator();
        assertEquals(List.of(mine), coordinator.list().stream().map(GroupDescription::groupId).toList());

        coordinator.heartbeat(withMembers, join());
        coordinator.heartbeat(mine, join());
        List<GroupDescription> listed = coordinator.list();
        assertEquals(List.of(mine, withMembers).stream().sorted().toList(),
                listed.stream().map(GroupDescription::groupId).toList());
        listed.forEach(d -> assertEquals(1, d.members().size(), d.groupId() + " is described with its member"));
    }

    @Test
    void theTimerRemovesAMemberWhoseSessionRanOutAndNoOther() {
        apply(10, TestImages.fencing(other, true));
        GroupCoordinator coordinator = coordinator();
        Heartbeat.Result member = coordinator.heartbeat(GROUP, join());
        time.sleep(44_999);
        coordinator.expire();
        assertTrue(coordinator.hasMembers(GROUP), "its session has 1 ms left");
        coordinator.heartbeat(GROUP, next(member)); // a heartbeat starts the session again
        time.sleep(44_999);
        coordinator.expire();
        assertTrue(coordinator.hasMembers(GROUP));
        time.sleep(1);
        coordinator.expire();
        assertFalse(coordinator.hasMembers(GROUP));
        assertRefused(ErrorCode.UNKNOWN_MEMBER_ID, () -> coordinator.heartbeat(GROUP, next(member)));
    }

    @Test
    void theTimerDropsTheMembersOfAGroupThatMovedToAnotherBroker() {
        apply(10, TestImages.fencing(other, true));
        GroupCoordinator coordinator = coordinator();
        coordinator.heartbeat(GROUP, join());
        apply(20, TestImages.fencing(other, false));
        coordinator.expire();
        apply(30, TestImages.fencing(other, true)); // back: the members rejoin, as after any move
        assertFalse(coordinator.hasMembers(GROUP));
        assertEquals(30, coordinator.checkNoMembers(GROUP, "delete it"));
    }
}
