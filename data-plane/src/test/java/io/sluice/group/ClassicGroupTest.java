package io.sluice.group;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sluice.protocol.ErrorCode;
import io.sluice.protocol.SluiceException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The classic group state machine driven with a fake clock, as Kafka clients drive it over the wire. */
@Timeout(10)
class ClassicGroupTest {
    private static final int SESSION = 10_000;
    private static final int REBALANCE = 30_000;
    private static final int DELAY = 3_000;
    private ClassicGroup group = new ClassicGroup("g", GroupConfig.defaults().withInitialRebalanceDelayMs(DELAY), 0);
    private long now = 1_000;

    private static Classic.Protocol protocol(String name, String metadata) {
        return new Classic.Protocol(name, metadata.getBytes(StandardCharsets.UTF_8));
    }

    private static Classic.JoinRequest join(String memberId, String instanceId, Classic.Protocol... protocols) {
        return new Classic.JoinRequest(memberId, instanceId, "consumer", List.of(protocols), SESSION, REBALANCE, true,
                "client", "/127.0.0.1");
    }

    /** The two-step join of a v4+ client: MEMBER_ID_REQUIRED with an id, then the join that is parked. */
    private CompletableFuture<Classic.JoinResult> newMember(Classic.Protocol... protocols) {
        Classic.JoinResult first = group.join(join("", null, protocols), now).join();
        assertEquals(ErrorCode.MEMBER_ID_REQUIRED, first.error());
        assertTrue(first.memberId().startsWith("client-"));
        return group.join(join(first.memberId(), null, protocols), now);
    }

    private Classic.SyncResult sync(Classic.JoinResult joined, Map<String, byte[]> assignments) {
        return group.sync(new Classic.SyncRequest(joined.memberId(), null, joined.generationId(), "consumer",
                joined.protocolName(), assignments), now).join();
    }

    private void advance(long ms) {
        now += ms;
        group.tick(now);
    }

    /** A heartbeat as a client sends it: REBALANCE_IN_PROGRESS (rejoin) and being gone are answers, not failures. */
    private void beat(String memberId, int generation) {
        try {
            group.heartbeat(memberId, null, generation, now);
        } catch (SluiceException e) {
            assertTrue(e.code() == ErrorCode.REBALANCE_IN_PROGRESS || e.code() == ErrorCode.UNKNOWN_MEMBER_ID, e::getMessage);
        }
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void firstRebalanceWaitsTheInitialDelayThenLeaderGetsMembersAndHandsOutAssignment() {
        CompletableFuture<Classic.JoinResult> a = newMember(protocol("range", "a-sub"));
        advance(DELAY - 1);
        CompletableFuture<Classic.JoinResult> b = newMember(protocol("range", "b-sub"));
        advance(DELAY - 1); // b's join extended the delay
        assertFalse(a.isDone());
        advance(1);
        Classic.JoinResult ja = a.join();
        Classic.JoinResult jb = b.join();
        assertEquals(1, ja.generationId());
        assertEquals("range", ja.protocolName());
        assertEquals(ja.memberId(), ja.leaderId());
        assertEquals(2, ja.members().size());
        assertTrue(jb.members().isEmpty(), "only the leader sees the members");
        assertEquals(ClassicGroup.State.COMPLETING_REBALANCE, group.state());

        CompletableFuture<Classic.SyncResult> followerSync = group.sync(new Classic.SyncRequest(jb.memberId(), null,
                1, "consumer", "range", Map.of()), now);
        assertFalse(followerSync.isDone(), "followers wait for the leader's assignment");
        Classic.SyncResult leaderSync = sync(ja, Map.of(ja.memberId(), bytes("A"), jb.memberId(), bytes("B")));
        assertArrayEquals(bytes("A"), leaderSync.assignment());
        assertArrayEquals(bytes("B"), followerSync.join().assignment());
        assertEquals(ClassicGroup.State.STABLE, group.state());
    }

    @Test
    void protocolIsOneEveryMemberSupportsAndMismatchesAreRefused() {
        CompletableFuture<Classic.JoinResult> a = newMember(protocol("cooperative-sticky", "x"), protocol("range", "x"));
        Classic.JoinResult none = group.join(join("", null, protocol("roundrobin", "y")), now).join();
        assertEquals(ErrorCode.INCONSISTENT_GROUP_PROTOCOL, none.error());
        CompletableFuture<Classic.JoinResult> b = newMember(protocol("range", "y"));
        advance(DELAY);
        assertEquals("range", a.join().protocolName());
        assertEquals("range", b.join().protocolName());
        Classic.JoinResult otherType = group.join(new Classic.JoinRequest("", null, "connect",
                List.of(protocol("range", "z")), SESSION, REBALANCE, true, "c", "h"), now).join();
        assertEquals(ErrorCode.INCONSISTENT_GROUP_PROTOCOL, otherType.error());
        Classic.SyncResult wrongName = group.sync(new Classic.SyncRequest(a.join().memberId(), null, 1, "consumer",
                "roundrobin", Map.of()), now).join();
        assertEquals(ErrorCode.INCONSISTENT_GROUP_PROTOCOL, wrongName.error());
    }

    /** Two members, Stable at generation 1. */
    private Classic.JoinResult[] stableGroupOfTwo() {
        CompletableFuture<Classic.JoinResult> a = newMember(protocol("range", "a"));
        CompletableFuture<Classic.JoinResult> b = newMember(protocol("range", "b"));
        advance(DELAY);
        Classic.JoinResult ja = a.join();
        Classic.JoinResult jb = b.join();
        group.sync(new Classic.SyncRequest(jb.memberId(), null, 1, null, null, Map.of()), now);
        sync(ja, Map.of(ja.memberId(), bytes("A"), jb.memberId(), bytes("B")));
        return new Classic.JoinResult[]{ja, jb};
    }

    @Test
    void aNewMemberRebalancesTheGroupAndOldMembersLearnItFromHeartbeats() {
        Classic.JoinResult[] ab = stableGroupOfTwo();
        CompletableFuture<Classic.JoinResult> c = newMember(protocol("range", "c"));
        SluiceException e = assertThrows(SluiceException.class,
                () -> group.heartbeat(ab[1].memberId(), null, 1, now));
        assertEquals(ErrorCode.REBALANCE_IN_PROGRESS, e.code());
        assertDoesNotThrow(() -> group.checkCommit(ab[1].memberId(), null, 1, now),
                "eager members commit with the old generation before rejoining");
        CompletableFuture<Classic.JoinResult> a = group.join(join(ab[0].memberId(), null, protocol("range", "a")), now);
        assertFalse(c.isDone());
        CompletableFuture<Classic.JoinResult> b = group.join(join(ab[1].memberId(), null, protocol("range", "b")), now);
        assertTrue(a.isDone() && b.isDone() && c.isDone(), "the join phase ends once every member rejoined");
        assertEquals(2, c.join().generationId());
        assertEquals(3, a.join().members().size());
        assertEquals(ErrorCode.ILLEGAL_GENERATION, assertThrows(SluiceException.class,
                () -> group.heartbeat(ab[1].memberId(), null, 1, now)).code());
        assertEquals(ErrorCode.REBALANCE_IN_PROGRESS, assertThrows(SluiceException.class,
                () -> group.checkCommit(ab[1].memberId(), null, 2, now)).code(), "no commits before SyncGroup");
    }

    @Test
    void membersThatDoNotRejoinInTheRebalanceTimeoutAreRemoved() {
        Classic.JoinResult[] ab = stableGroupOfTwo();
        CompletableFuture<Classic.JoinResult> a = group.join(join(ab[0].memberId(), null, protocol("range", "a2")), now);
        for (int i = 0; i < REBALANCE / SESSION * 2; i++) {
            advance(SESSION / 2);
            if (!a.isDone()) {
                beat(ab[1].memberId(), 1); // alive, but never rejoins
            }
        }
        assertTrue(a.isDone());
        assertEquals(2, a.join().generationId());
        assertEquals(1, a.join().members().size());
        assertEquals(ErrorCode.UNKNOWN_MEMBER_ID, assertThrows(SluiceException.class,
                () -> group.heartbeat(ab[1].memberId(), null, 1, now)).code());
    }

    @Test
    void sessionExpiryRemovesAMemberAndTheRestRebalance() {
        Classic.JoinResult[] ab = stableGroupOfTwo();
        for (int i = 0; i < 4; i++) {
            advance(SESSION / 3);
            beat(ab[0].memberId(), 1);
        }
        assertEquals(1, group.memberCount());
        assertEquals(ClassicGroup.State.PREPARING_REBALANCE, group.state());
        CompletableFuture<Classic.JoinResult> a = group.join(join(ab[0].memberId(), null, protocol("range", "a")), now);
        assertEquals(2, a.join().generationId());
    }

    @Test
    void leaveRebalancesAtOnceAndTheLastLeaveEmptiesTheGroup() {
        Classic.JoinResult[] ab = stableGroupOfTwo();
        List<Classic.LeaveResult> left = group.leave(List.of(new Classic.LeaveRequest(ab[1].memberId(), null),
                new Classic.LeaveRequest("nobody", null)), now);
        assertEquals(ErrorCode.NONE, left.get(0).error());
        assertEquals(ErrorCode.UNKNOWN_MEMBER_ID, left.get(1).error());
        Classic.JoinResult a = group.join(join(ab[0].memberId(), null, protocol("range", "a")), now).join();
        assertEquals(2, a.generationId());
        group.leave(List.of(new Classic.LeaveRequest(ab[0].memberId(), null)), now);
        assertEquals(ClassicGroup.State.EMPTY, group.state());
        assertTrue(group.isEmpty());
        assertDoesNotThrow(() -> group.checkCommit("", null, -1, now), "an assign() consumer may commit now");
    }

    @Test
    void commitsWithoutMembershipAreRefusedWhileTheGroupHasMembers() {
        stableGroupOfTwo();
        assertEquals(ErrorCode.UNKNOWN_MEMBER_ID, assertThrows(SluiceException.class,
                () -> group.checkCommit("", null, -1, now)).code());
        assertEquals(ErrorCode.UNKNOWN_MEMBER_ID, assertThrows(SluiceException.class,
                () -> group.checkCommit("stranger", null, 1, now)).code());
    }

    @Test
    void aStaticMemberRestartingTakesItsPlaceWithoutRebalanceAndFencesTheOldId() {
        CompletableFuture<Classic.JoinResult> a = group.join(join("", "instance-a", protocol("range", "a")), now);
        CompletableFuture<Classic.JoinResult> b = newMember(protocol("range", "b"));
        advance(DELAY);
        Classic.JoinResult ja = a.join();
        Classic.JoinResult jb = b.join();
        group.sync(new Classic.SyncRequest(jb.memberId(), null, 1, null, null, Map.of()), now);
        group.sync(new Classic.SyncRequest(ja.memberId(), "instance-a", 1, "consumer", "range",
                Map.of(ja.memberId(), bytes("A"), jb.memberId(), bytes("B"))), now).join();

        Classic.JoinResult restarted = group.join(join("", "instance-a", protocol("range", "a")), now).join();
        assertEquals(ErrorCode.NONE, restarted.error());
        assertNotEquals(ja.memberId(), restarted.memberId());
        assertEquals(1, restarted.generationId(), "no new generation");
        assertTrue(restarted.skipAssignment(), "the restarted leader must not compute a new assignment");
        assertEquals(ClassicGroup.State.STABLE, group.state());
        Classic.SyncResult synced = group.sync(new Classic.SyncRequest(restarted.memberId(), "instance-a", 1,
                "consumer", "range", Map.of()), now).join();
        assertArrayEquals(bytes("A"), synced.assignment(), "it keeps its assignment");

        assertEquals(ErrorCode.FENCED_INSTANCE_ID, assertThrows(SluiceException.class,
                () -> group.heartbeat(ja.memberId(), "instance-a", 1, now)).code());
        assertEquals(ErrorCode.FENCED_INSTANCE_ID, assertThrows(SluiceException.class,
                () -> group.checkCommit(ja.memberId(), "instance-a", 1, now)).code());
        List<Classic.LeaveResult> fencedLeave = group.leave(List.of(new Classic.LeaveRequest(ja.memberId(),
                "instance-a")), now);
        assertEquals(ErrorCode.FENCED_INSTANCE_ID, fencedLeave.get(0).error());
        assertEquals(2, group.memberCount());
    }

    @Test
    void aMemberIdNeverUsedLapsesAndNoLongerHoldsUpTheRebalance() {
        Classic.JoinResult[] ab = stableGroupOfTwo();
        Classic.JoinResult pending = group.join(join("", null, protocol("range", "c")), now).join();
        assertEquals(ErrorCode.MEMBER_ID_REQUIRED, pending.error());
        CompletableFuture<Classic.JoinResult> a = group.join(join(ab[0].memberId(), null, protocol("range", "a2")), now);
        CompletableFuture<Classic.JoinResult> b = group.join(join(ab[1].memberId(), null, protocol("range", "b")), now);
        assertFalse(a.isDone(), "a member id handed out may still join");
        advance(SESSION);
        assertEquals(2, a.join().generationId());
        assertEquals(2, b.join().members().size() + a.join().members().size());
    }

    @Test
    void aMemberThatNeverSyncsIsRemovedAfterTheRebalanceTimeout() {
        CompletableFuture<Classic.JoinResult> a = newMember(protocol("range", "a"));
        CompletableFuture<Classic.JoinResult> b = newMember(protocol("range", "b"));
        advance(DELAY);
        Classic.JoinResult ja = a.join();
        sync(ja, Map.of(ja.memberId(), bytes("A"), b.join().memberId(), bytes("B")));
        for (int i = 0; i < REBALANCE / (SESSION / 2) + 1; i++) {
            advance(SESSION / 2);
            beat(ja.memberId(), 1);
            beat(b.join().memberId(), 1); // heartbeats, but never sends its SyncGroup
        }
        assertEquals(1, group.memberCount());
        assertEquals(ClassicGroup.State.PREPARING_REBALANCE, group.state());
    }

    @Test
    void cooperativeRebalanceRunsASecondRebalanceWhenMembersRejoinWithNewOwnership() {
        Classic.JoinResult[] ab = stableGroupOfTwo();
        // First rebalance: c joins; a and b rejoin with their current ownership in the subscription bytes.
        CompletableFuture<Classic.JoinResult> c = newMember(protocol("cooperative-sticky", "c"), protocol("range", "c"));
        CompletableFuture<Classic.JoinResult> a = group.join(join(ab[0].memberId(), null, protocol("range", "a:0,1,2")), now);
        CompletableFuture<Classic.JoinResult> b = group.join(join(ab[1].memberId(), null, protocol("range", "b:3,4,5")), now);
        Classic.JoinResult ja = a.join();
        group.sync(new Classic.SyncRequest(b.join().memberId(), null, 2, null, null, Map.of()), now);
        group.sync(new Classic.SyncRequest(c.join().memberId(), null, 2, null, null, Map.of()), now);
        sync(ja, Map.of(ja.memberId(), bytes("0,1"), b.join().memberId(), bytes("3,4"), c.join().memberId(), bytes("")));
        assertEquals(ClassicGroup.State.STABLE, group.state());
        // After revoking, a follower rejoins with changed ownership: a second rebalance starts.
        CompletableFuture<Classic.JoinResult> b2 = group.join(join(ab[1].memberId(), null, protocol("range", "b:3,4")), now);
        assertEquals(ClassicGroup.State.PREPARING_REBALANCE, group.state());
        CompletableFuture<Classic.JoinResult> a2 = group.join(join(ab[0].memberId(), null, protocol("range", "a:0,1")), now);
        CompletableFuture<Classic.JoinResult> c2 = group.join(join(c.join().memberId(), null,
                protocol("cooperative-sticky", "c"), protocol("range", "c")), now);
        assertEquals(3, a2.join().generationId());
        assertTrue(b2.isDone() && c2.isDone());
        // A follower rejoining a Stable group with the same bytes gets the current generation, no rebalance.
        sync(a2.join(), Map.of());
        Classic.JoinResult again = group.join(join(ab[1].memberId(), null, protocol("range", "b:3,4")), now).join();
        assertEquals(3, again.generationId());
        assertEquals(ClassicGroup.State.STABLE, group.state());
    }

    @Test
    void sessionTimeoutOutOfRangeIsRefused() {
        Classic.JoinResult r = group.join(new Classic.JoinRequest("", null, "consumer", List.of(protocol("range", "")),
                10, REBALANCE, true, "c", "h"), now).join();
        assertEquals(ErrorCode.INVALID_SESSION_TIMEOUT, r.error());
        assertTrue(group.isEmpty());
    }

    @Test
    void groupMaxSizeTurnsAwayNewcomersButAdmitsMembersAndStaticRestarts() {
        group = new ClassicGroup("g", GroupConfig.defaults().withInitialRebalanceDelayMs(DELAY).withMaxSizes(2, 100), 0);
        CompletableFuture<Classic.JoinResult> a = group.join(join("", "static-a", protocol("range", "a")), now);
        CompletableFuture<Classic.JoinResult> b = newMember(protocol("range", "b"));
        advance(DELAY);
        Classic.JoinResult first = a.join();
        group.sync(new Classic.SyncRequest(b.join().memberId(), null, 1, null, null, Map.of()), now);
        group.sync(new Classic.SyncRequest(first.memberId(), "static-a", 1, null, null, Map.of()), now);
        assertEquals(ClassicGroup.State.STABLE, group.state());

        Classic.JoinResult third = group.join(join("", null, protocol("range", "c")), now).join();
        assertEquals(ErrorCode.GROUP_MAX_SIZE_REACHED, third.error());
        assertEquals(ClassicGroup.State.STABLE, group.state(), "a refused newcomer starts no rebalance");
        assertEquals(1, group.generationId());

        Classic.JoinResult restarted = group.join(join("", "static-a", protocol("range", "a")), now).join();
        assertEquals(ErrorCode.NONE, restarted.error(), "a static restart takes its old place");
        assertEquals(2, group.memberCount());

        // In the join phase the count is of members that rejoined: b rejoins, a newcomer takes the second
        // place, and the member that rejoins last finds the group full and is removed.
        CompletableFuture<Classic.JoinResult> bAgain = group.join(join(b.join().memberId(), null,
                protocol("range", "b2")), now);
        assertEquals(ClassicGroup.State.PREPARING_REBALANCE, group.state());
        Classic.JoinResult newcomer = group.join(join("", null, protocol("range", "c")), now).join();
        assertEquals(ErrorCode.MEMBER_ID_REQUIRED, newcomer.error(), "one of two has rejoined: room for one more");
        CompletableFuture<Classic.JoinResult> c = group.join(join(newcomer.memberId(), null, protocol("range", "c")), now);
        Classic.JoinResult late = group.join(join(restarted.memberId(), "static-a", protocol("range", "a")), now).join();
        assertEquals(ErrorCode.GROUP_MAX_SIZE_REACHED, late.error(), "the last to rejoin a full join phase is out");
        assertEquals(2, bAgain.join().members().size() + c.join().members().size());
        assertEquals(2, group.memberCount());
    }
}
