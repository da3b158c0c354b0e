package io.sluice.group;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sluice.metadata.image.BrokerRegistration;
import io.sluice.metadata.image.CoordinatorLocator;
import io.sluice.metadata.image.MetadataImage;
import io.sluice.protocol.ErrorCode;
import io.sluice.protocol.MockTime;
import io.sluice.protocol.SluiceException;
import io.sluice.protocol.metadata.MetadataRecord;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The classic coordinator next to Sluice's own: one kind per group id, the coordinator check, commit
 * fencing by the index since which this node holds the group, and groups that moved away and back.
 */
@Timeout(10)
class ClassicGroupCoordinatorTest {
    private static final String GROUP = "g";
    private MetadataImage image = MetadataImage.EMPTY;
    private final MockTime time = new MockTime();
    private int here;
    private int other;
    private GroupCoordinator consumerGroups;
    private ClassicGroupCoordinator classic;

    private void apply(long index, MetadataRecord... records) {
        image = TestImages.apply(image, index, records);
    }

    /** Two brokers; the group is coordinated by {@code here} from index 10 on. */
    private void twoBrokers() {
        apply(5, new BrokerRegistration(1, 1, "h", 9001, "", 1, false, false).toRecord(),
                new BrokerRegistration(2, 1, "h", 9002, "", 1, false, false).toRecord());
        other = CoordinatorLocator.coordinatorFor(GROUP, image.cluster()).getAsInt();
        here = 3 - other;
        apply(10, TestImages.fencing(other, true));
        GroupConfig config = GroupConfig.defaults().withInitialRebalanceDelayMs(0);
        consumerGroups = new GroupCoordinator(here, () -> image, config, time);
        classic = new ClassicGroupCoordinator(here, () -> image, config, time, consumerGroups);
    }

    private Classic.JoinResult join(String memberId) {
        return classic.join(GROUP, new Classic.JoinRequest(memberId, null, "consumer",
                List.of(new Classic.Protocol("range", new byte[0])), 10_000, 10_000, false, "c", "/h")).join();
    }

    private Heartbeat.Request nativeJoin() {
        return new Heartbeat.Request("", 0, "", 60_000, 45_000, List.of("t"), "", "", Set.of(), "c", "h");
    }

    @Test
    void oneGroupIdIsOneKindAtATime() {
        twoBrokers();
        Classic.JoinResult joined = join("");
        assertEquals(ErrorCode.NONE, joined.error());
        SluiceException refused = assertThrows(SluiceException.class, () -> consumerGroups.heartbeat(GROUP, nativeJoin()));
        assertEquals(ErrorCode.INCONSISTENT_GROUP_PROTOCOL, refused.code());
        assertEquals(ErrorCode.NON_EMPTY_GROUP, assertThrows(SluiceException.class,
                () -> consumerGroups.checkNoMembers(GROUP, "deleting it")).code());
        assertEquals(ErrorCode.UNKNOWN_MEMBER_ID, assertThrows(SluiceException.class,
                () -> consumerGroups.checkCommit(GROUP, "", -1, Set.of())).code());

        classic.leave(GROUP, List.of(new Classic.LeaveRequest(joined.memberId(), null)));
        assertFalse(classic.isActive(GROUP), "an emptied group is forgotten; its offsets stay in the quorum");
        consumerGroups.heartbeat(GROUP, nativeJoin());
        assertEquals(ErrorCode.INCONSISTENT_GROUP_PROTOCOL, join("").error());
    }

    @Test
    void requestsForAGroupCoordinatedElsewhereAreRefusedAsNotCoordinator() {
        twoBrokers();
        apply(20, TestImages.fencing(other, false)); // the group goes back to the other broker
        assertEquals(ErrorCode.NOT_COORDINATOR, assertThrows(SluiceException.class, () -> join("")).code());
        assertEquals(ErrorCode.NOT_COORDINATOR, assertThrows(SluiceException.class,
                () -> classic.heartbeat(GROUP, "m", null, 1)).code());
        assertEquals(ErrorCode.NOT_COORDINATOR, assertThrows(SluiceException.class,
                () -> classic.checkCommit(GROUP, "", null, -1)).code());
    }

    @Test
    void commitsCarryTheIndexSinceWhichThisNodeHoldsTheGroupAndMembersOfAGroupThatMovedAndCameBackAreStale() {
        twoBrokers();
        assertEquals(10, classic.checkCommit(GROUP, "", null, -1), "no members: a simple commit, fenced from now");
        Classic.JoinResult joined = join("");
        classic.sync(GROUP, new Classic.SyncRequest(joined.memberId(), null, joined.generationId(), null, null,
                java.util.Map.of(joined.memberId(), new byte[0]))).join();
        apply(15);
        assertEquals(10, classic.checkCommit(GROUP, joined.memberId(), null, joined.generationId()));

        apply(20, TestImages.fencing(other, false));
        apply(30, TestImages.fencing(other, true)); // away and back before the timer ran
        assertEquals(ErrorCode.UNKNOWN_MEMBER_ID, assertThrows(SluiceException.class,
                () -> classic.checkCommit(GROUP, joined.memberId(), null, joined.generationId())).code());
        Classic.JoinResult rejoined = join("");
        assertEquals(1, rejoined.generationId(), "a new group here");
        classic.sync(GROUP, new Classic.SyncRequest(rejoined.memberId(), null, 1, null, null, java.util.Map.of())).join();
        assertEquals(30, classic.checkCommit(GROUP, rejoined.memberId(), null, 1));
    }

    @Test
    void theTimerExpiresMembersAndDropsGroupsThatMovedAway() {
        twoBrokers();
        Classic.JoinResult joined = join("");
        assertTrue(classic.isActive(GROUP));
        time.sleep(20_000); // no SyncGroup, no heartbeat: past the session and rebalance timeouts
        classic.expire();
        assertFalse(classic.isActive(GROUP));
        join("");
        apply(20, TestImages.fencing(other, false));
        classic.expire();
        assertFalse(classic.isActive(GROUP), "moved to the other broker: its members rejoin there");
        assertEquals(ErrorCode.NOT_COORDINATOR, assertThrows(SluiceException.class,
                () -> classic.heartbeat(GROUP, joined.memberId(), null, 1)).code());
    }
}
