package io.sluice.group;

import static io.sluice.group.AssignorTestSupport.tp;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sluice.protocol.TopicPartition;
import io.sluice.protocol.ErrorCode;
import io.sluice.protocol.SluiceException;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The group state machine, driven with a fake clock: joins, hand-over, epochs, timeouts, static members, commits. */
@Timeout(10)
class ConsumerGroupTest {
    private static final int SESSION = 3_000;
    private final GroupConfig config = GroupConfig.defaults();
    private SortedMap<String, Integer> topics = new TreeMap<>(Map.of("t", 6, "other", 2));
    private ConsumerGroup group = new ConsumerGroup("g", config, 0);
    private long now = 1_000;

    /** A member as its client would run it: remembers id, epoch and what it owns. */
    private final class Client {
        String id = "";
        int epoch;
        Set<TopicPartition> owned = new HashSet<>();
        String instanceId = "";
        List<String> subscription = List.of("t");
        String regex = "";
        Heartbeat.Result last;

        Heartbeat.Result beat() {
            last = group.heartbeat(new Heartbeat.Request(id, epoch, instanceId, 60_000, SESSION, subscription, regex,
                    "", owned, "client", "/127.0.0.1"), topics, now);
            id = last.memberId();
            epoch = last.memberEpoch();
            return last;
        }

        /** Heartbeats and then does what the assignment says: drop what is not in it, take what is. */
        Heartbeat.Result beatAndApply() {
            Heartbeat.Result r = beat();
            owned = new HashSet<>(r.assignment());
            return r;
        }
    }

    private Client joined() {
        Client c = new Client();
        c.beatAndApply();
        return c;
    }

    /** Kafka's ConsumerGroupHeartbeat leaves out (null) what did not change since the member's last heartbeat. */
    @Test
    void fieldsLeftOutOfAHeartbeatKeepTheirLastValues() {
        Client a = joined();
        a.beat(); // reports owning all six
        Client b = new Client();
        b.beatAndApply();
        Heartbeat.Result r = group.heartbeat(new Heartbeat.Request(a.id, a.epoch, "", -1, SESSION, null, null, null,
                null, "client", "/127.0.0.1"), topics, now);
        assertEquals(3, r.assignment().size(), "a keeps its subscription and is told to give up three");
        assertTrue(b.beatAndApply().assignment().isEmpty(), "a still owns them as far as the coordinator knows");
        a.owned = new HashSet<>(r.assignment());
        a.beat();
        assertEquals(3, b.beatAndApply().assignment().size(), "released once a reports it");
    }

    @Test
    void firstMemberGetsEverythingAndTheGroupIsStable() {
        Client a = joined();
        assertFalse(a.id.isEmpty());
        assertEquals(1, a.epoch);
        assertEquals(6, a.owned.size());
        assertEquals(GroupState.STABLE, group.state());
    }

    @Test
    void aPartitionMovesOnlyAfterItsOldOwnerReleasedIt() {
        Client a = joined();
        Client b = new Client();
        b.beatAndApply();
        assertTrue(b.owned.isEmpty(), "b gets nothing while a still owns everything");
        assertTrue(b.last.pending());
        assertEquals(GroupState.RECONCILING, group.state());

        a.beat(); // a learns it must give up three partitions, but still reports owning them
        assertEquals(3, a.last.assignment().size());
        int epochWhileRevoking = a.epoch;
        b.beatAndApply();
        assertTrue(b.owned.isEmpty(), "still held by a");

        a.owned = new HashSet<>(a.last.assignment()); // a commits and releases
        a.beat();
        assertNotEquals(epochWhileRevoking, a.epoch, "a's epoch advances once it has revoked");
        b.beatAndApply();
        assertEquals(3, b.owned.size());
        Set<TopicPartition> union = new HashSet<>(a.owned);
        union.addAll(b.owned);
        assertEquals(6, union.size());
        assertEquals(GroupState.STABLE, group.state());
        assertEquals(a.epoch, b.epoch);
    }

    @Test
    void revokingMemberMayStillCommitWhatItHasNotReleased() {
        Client a = joined();
        Client b = joined();
        a.beat();
        Set<TopicPartition> revoked = new HashSet<>(a.owned);
        revoked.removeAll(a.last.assignment());
        assertEquals(Map.of(), group.checkCommit(a.id, a.epoch, revoked));
        a.owned = new HashSet<>(a.last.assignment());
        a.beat();
        assertEquals(revoked, group.checkCommit(a.id, a.epoch, revoked).keySet(), "refused once released");
        b.beatAndApply();
        assertEquals(Map.of(), group.checkCommit(b.id, b.epoch, revoked));
    }

    @Test
    void staleAndUnknownMembersAreRefused() {
        Client a = joined();
        Client b = joined();
        a.beatAndApply();
        a.beat(); // a's epoch moved twice since the join
        SluiceException stale = assertThrows(SluiceException.class, () -> group.heartbeat(new Heartbeat.Request(a.id,
                0 + 99, "", 60_000, SESSION, List.of("t"), "", "", Set.of(), "c", "h"), topics, now));
        assertEquals(ErrorCode.ILLEGAL_GENERATION, stale.code());
        SluiceException unknown = assertThrows(SluiceException.class, () -> group.heartbeat(new Heartbeat.Request(
                "nobody", 3, "", 60_000, SESSION, List.of("t"), "", "", Set.of(), "c", "h"), topics, now));
        assertEquals(ErrorCode.UNKNOWN_MEMBER_ID, unknown.code());
        assertEquals(ErrorCode.ILLEGAL_GENERATION, assertThrows(SluiceException.class,
                () -> group.checkCommit(b.id, b.epoch + 5, Set.of())).code());
        assertEquals(ErrorCode.UNKNOWN_MEMBER_ID, assertThrows(SluiceException.class,
                () -> group.checkCommit("nobody", 1, Set.of())).code());
        assertEquals(ErrorCode.UNKNOWN_MEMBER_ID, assertThrows(SluiceException.class,
                () -> group.checkCommit("", -1, Set.of(tp("t", 0)))).code(), "outsiders cannot commit to a live group");
    }

    @Test
    void previousEpochIsAcceptedWhileItsPartitionsAreStillOwned() {
        Client a = joined();
        int first = a.epoch;
        joined();
        a.beat(); // epoch unchanged while revoking
        a.owned = new HashSet<>(a.last.assignment());
        a.beat();
        assertNotEquals(first, a.epoch);
        // A commit sent before the answer arrived still carries the previous epoch.
        assertEquals(Map.of(), group.checkCommit(a.id, first, a.owned));
    }

    @Test
    void sessionTimeoutRemovesTheMemberAndFreesItsPartitions() {
        Client a = joined();
        Client b = joined();
        a.beatAndApply();
        b.beatAndApply();
        now += SESSION - 1;
        a.beatAndApply();
        assertEquals(List.of(), group.expire(now));
        now += 2;
        List<String> removed = group.expire(now);
        assertEquals(1, removed.size());
        assertTrue(removed.get(0).contains(b.id));
        a.beatAndApply();
        assertEquals(6, a.owned.size(), "b's partitions go to a at once: b is gone");
        assertEquals(ErrorCode.UNKNOWN_MEMBER_ID, assertThrows(SluiceException.class, b::beat).code());
    }

    @Test
    void aMemberThatNeverRevokesIsRemovedAfterItsRebalanceTimeout() {
        Client a = joined();
        Client b = joined();
        a.beat(); // told to revoke; never does
        now += 60_001;
        a.beat(); // still heartbeating, so its session is alive
        b.beat();
        List<String> removed = group.expire(now);
        assertEquals(1, removed.size());
        assertTrue(removed.get(0).contains("rebalance timeout"));
        b.beatAndApply();
        assertEquals(6, b.owned.size());
    }

    @Test
    void leavingRebalancesAtOnce() {
        Client a = joined();
        Client b = joined();
        a.beat();
        a.owned = new HashSet<>(a.last.assignment());
        a.beat();
        b.beatAndApply();
        b.epoch = Heartbeat.LEAVE_EPOCH;
        b.beat();
        assertEquals(1, group.memberCount());
        a.beatAndApply();
        assertEquals(6, a.owned.size());
    }

    @Test
    void staticMemberRestartKeepsItsPartitionsWithoutARebalance() {
        Client a = new Client();
        a.instanceId = "consumer-1";
        a.beatAndApply();
        Client b = joined();
        a.beat();
        a.owned = new HashSet<>(a.last.assignment());
        a.beat();
        b.beatAndApply();
        int groupEpoch = group.groupEpoch();
        Set<TopicPartition> aPartitions = a.owned;

        a.epoch = Heartbeat.STATIC_LEAVE_EPOCH;
        a.beat();
        assertEquals(2, group.memberCount(), "kept while its session lasts");

        Client restarted = new Client();
        restarted.instanceId = "consumer-1";
        restarted.beatAndApply();
        assertEquals(aPartitions, restarted.owned);
        assertEquals(groupEpoch, group.groupEpoch(), "no rebalance");
        b.beatAndApply();
        assertEquals(3, b.owned.size());
    }

    @Test
    void staticMemberThatDoesNotComeBackIsRemovedWhenItsSessionEnds() {
        Client a = new Client();
        a.instanceId = "consumer-1";
        a.beatAndApply();
        Client b = joined();
        a.epoch = Heartbeat.STATIC_LEAVE_EPOCH;
        a.beat();
        now += SESSION;
        b.beat();
        assertEquals(1, group.expire(now).size());
        b.beatAndApply();
        assertEquals(6, b.owned.size());
    }

    @Test
    void aSecondInstanceWithTheSameInstanceIdFencesTheFirst() {
        Client first = new Client();
        first.instanceId = "consumer-1";
        first.beatAndApply();
        Client second = new Client();
        second.instanceId = "consumer-1";
        second.beatAndApply();
        assertNotEquals(first.id, second.id);
        assertEquals(1, group.memberCount());
        assertEquals(ErrorCode.UNKNOWN_MEMBER_ID, assertThrows(SluiceException.class, first::beat).code());
        assertEquals(ErrorCode.UNKNOWN_MEMBER_ID, assertThrows(SluiceException.class,
                () -> group.checkCommit(first.id, first.epoch, Set.of(tp("t", 0)))).code());
    }

    @Test
    void moreSubscribedPartitionsOrANewSubscriptionBumpTheEpoch() {
        Client a = joined();
        int epoch = a.epoch;
        topics = new TreeMap<>(Map.of("t", 8, "other", 2));
        a.beatAndApply();
        assertEquals(8, a.owned.size());
        assertTrue(a.epoch > epoch);
        a.subscription = List.of("t", "other");
        a.beatAndApply();
        assertEquals(10, a.owned.size());
    }

    @Test
    void patternSubscriptionPicksUpMatchingTopics() {
        Heartbeat.Result r = group.heartbeat(new Heartbeat.Request("", 0, "", 60_000, SESSION, List.of(), "oth.*", "",
                Set.of(), "c", "h"), topics, now);
        assertEquals(Set.of(tp("other", 0), tp("other", 1)), r.assignment());
    }

    @Test
    void joinerReportingOwnedPartitionsKeepsThem() {
        Heartbeat.Result r = group.heartbeat(new Heartbeat.Request("", 0, "", 60_000, SESSION, List.of("t"), "", "",
                Set.of(tp("t", 4)), "c", "h"), topics, now);
        assertTrue(r.assignment().contains(tp("t", 4)));
    }

    @Test
    void duringTheTakeOverHoldOnlyReportedPartitionsAreHandedOut() {
        group = new ConsumerGroup("g", config, now + 3_000);
        Heartbeat.Result r = group.heartbeat(new Heartbeat.Request("", 0, "", 60_000, SESSION, List.of("t"), "", "",
                Set.of(tp("t", 1)), "c", "h"), topics, now);
        assertEquals(Set.of(tp("t", 1)), r.assignment());
        assertTrue(r.pending());
        now += 3_000;
        Heartbeat.Result later = group.heartbeat(new Heartbeat.Request(r.memberId(), r.memberEpoch(), "", 60_000,
                SESSION, List.of("t"), "", "", r.assignment(), "c", "h"), topics, now);
        assertEquals(6, later.assignment().size());
    }

    @Test
    void badRequestsAreRefusedAndChangeNothing() {
        assertEquals(ErrorCode.INVALID_SESSION_TIMEOUT, assertThrows(SluiceException.class, () -> group.heartbeat(
                new Heartbeat.Request("", 0, "", 60_000, 10, List.of("t"), "", "", Set.of(), "c", "h"), topics, now)).code());
        assertEquals(ErrorCode.INVALID_REGULAR_EXPRESSION, assertThrows(SluiceException.class, () -> group.heartbeat(
                new Heartbeat.Request("", 0, "", 60_000, SESSION, List.of(), "(", "", Set.of(), "c", "h"), topics, now)).code());
        assertEquals(ErrorCode.INVALID_REQUEST, assertThrows(SluiceException.class, () -> group.heartbeat(
                new Heartbeat.Request("", 0, "", 60_000, SESSION, List.of("t"), "", "sticky", Set.of(), "c", "h"),
                topics, now)).code());
        assertFalse(group.hasMembers());
        assertEquals(GroupState.EMPTY, group.state());
    }

    @Test
    void assignorFollowsTheMembersChoice() {
        Heartbeat.Result r = group.heartbeat(new Heartbeat.Request("", 0, "", 60_000, SESSION, List.of("t"), "",
                "roundrobin", Set.of(), "c", "h"), topics, now);
        assertEquals(RoundRobinAssignor.NAME, group.describe().assignor());
        assertEquals(6, r.assignment().size());
        GroupDescription.Member m = group.describe().members().get(0);
        assertEquals("c", m.clientId());
        assertEquals(r.assignment(), m.assignment());
    }

    @Test
    void rejoiningWithAKnownMemberIdStartsOverKeepingWhatItReports() {
        Client a = joined();
        int groupEpoch = group.groupEpoch();
        a.epoch = Heartbeat.JOIN_EPOCH; // e.g. enforceRebalance, or the member lost its epoch
        a.beatAndApply();
        assertEquals(1, group.memberCount());
        assertTrue(group.groupEpoch() > groupEpoch, "a new target is computed");
        assertEquals(6, a.owned.size(), "sticky: it keeps everything it reported");
    }

    @Test
    void aPartitionBackInTheTargetBeforeItWasReleasedIsSimplyKept() {
        Client a = joined();
        Client b = new Client();
        b.beat(); // b joins: a must give up three partitions
        a.beat();
        assertEquals(3, a.last.assignment().size());
        b.epoch = Heartbeat.LEAVE_EPOCH;
        b.beat(); // b leaves before a released anything
        a.beat(); // a still reports all six
        assertEquals(6, a.last.assignment().size());
        assertEquals(GroupState.STABLE, group.state());
    }

    @Test
    void stateFollowsReconciliation() {
        assertEquals(GroupState.EMPTY, group.state());
        Client a = joined();
        assertEquals(GroupState.STABLE, group.state());
        Client b = joined();
        assertEquals(GroupState.RECONCILING, group.state(), "b waits for a's partitions");
        a.beatAndApply(); // told to revoke; drops them
        assertEquals(GroupState.RECONCILING, group.state(), "not released until a's next heartbeat says so");
        a.beatAndApply(); // reports the release
        b.beatAndApply();
        assertEquals(GroupState.STABLE, group.state());
        GroupDescription d = group.describe();
        assertEquals(d.groupEpoch(), d.assignmentEpoch());
        d.members().forEach(m -> assertEquals(m.target(), m.assignment()));
    }

    @Test
    void consumerOutsideTheProtocolMayCommitToAnEmptyGroup() {
        assertEquals(Map.of(), group.checkCommit("", -1, Set.of(tp("t", 0))));
    }

    @Test
    void groupConsumerMaxSizeRefusesNewcomersAndChangesNothing() {
        group = new ConsumerGroup("g", config.withMaxSizes(100, 2), 0);
        Client a = joined();
        Client b = joined();
        int epoch = group.groupEpoch();
        SluiceException full = assertThrows(SluiceException.class, () -> new Client().beat());
        assertEquals(ErrorCode.GROUP_MAX_SIZE_REACHED, full.code());
        assertEquals(2, group.memberCount());
        assertEquals(epoch, group.groupEpoch(), "a refused join is no change of membership");

        a.epoch = 0; // a member that lost its state rejoins under its own id: still a member, admitted
        a.owned.clear();
        a.beatAndApply();
        b.epoch = Heartbeat.LEAVE_EPOCH;
        b.beat();
        assertEquals(1, group.memberCount());
        joined();
        assertEquals(2, group.memberCount(), "room again once a member left");
    }

    @Test
    void aRegexSubscriptionFollowsTopicsCreatedAndDeleted() {
        topics = new TreeMap<>(Map.of("orders-eu", 1, "orders-us", 1, "payments", 1));
        Client a = new Client();
        a.subscription = List.of();
        a.regex = "orders-.*";
        a.beatAndApply();
        assertEquals(Set.of(tp("orders-eu", 0), tp("orders-us", 0)), a.owned);
        int epoch = group.groupEpoch();

        topics.put("orders-asia", 1);
        topics.put("xorders-1", 1); // matches only in part: Kafka matches the whole name
        a.beatAndApply();
        assertEquals(Set.of(tp("orders-eu", 0), tp("orders-us", 0), tp("orders-asia", 0)), a.owned);
        assertTrue(group.groupEpoch() > epoch, "a topic that starts matching is a new group epoch");

        topics.remove("orders-us");
        a.beatAndApply();
        a.beatAndApply();
        assertEquals(Set.of(tp("orders-eu", 0), tp("orders-asia", 0)), a.owned);
    }

    @Test
    void regexesAreRe2jAndAnInvalidOneIsRefusedWithoutJoining() {
        Client a = new Client();
        a.subscription = List.of();
        a.regex = "(t)\\1"; // a backreference: java.util.regex accepts it, RE2J (Kafka's) does not
        SluiceException e = assertThrows(SluiceException.class, a::beat);
        assertEquals(ErrorCode.INVALID_REGULAR_EXPRESSION, e.code());
        assertFalse(group.hasMembers());
        a.regex = "(?=t)t"; // lookahead, the same
        assertEquals(ErrorCode.INVALID_REGULAR_EXPRESSION, assertThrows(SluiceException.class, a::beat).code());
        a.regex = "\\Qt\\E|oth[a-z]+"; // RE2J's quoting and classes
        a.beatAndApply();
        assertEquals(8, a.owned.size(), "t (6) and other (2)");
    }
}
