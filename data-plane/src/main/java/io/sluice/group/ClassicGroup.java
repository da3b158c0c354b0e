package io.sluice.group;

import io.sluice.protocol.ErrorCode;
import io.sluice.protocol.SluiceException;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;

/**
 * One group of Kafka's classic protocol on its coordinator: members join (JoinGroup), the coordinator
 * waits for every known member to rejoin, opens a new generation and names a leader; the leader
 * computes the assignment and hands it in with its SyncGroup, which answers every member's SyncGroup.
 * The coordinator never reads the protocol bytes: it only picks a protocol all members offer.
 *
 * <p>States and rules are Kafka's ({@code ClassicGroup} of its group coordinator): Empty,
 * PreparingRebalance (JoinGroups are parked until all known members rejoined or the rebalance timeout
 * passed; members that did not rejoin are removed), CompletingRebalance (waiting for the leader's
 * SyncGroup), Stable. A first join of a v4+ client gets MEMBER_ID_REQUIRED with its id, and the
 * rebalance waits for such pending members too. An empty group's first rebalance waits {@code
 * group.initial.rebalance.delay.ms} (extended by each join up to the rebalance timeout) so consumers
 * started together share one generation. Static members (group.instance.id) keep their place across
 * restarts: a rejoin with a new member id fences the old id (FENCED_INSTANCE_ID) and, in a Stable group
 * with unchanged protocols, causes no rebalance. Cooperative rebalancing needs nothing here: the
 * clients rejoin after revoking, and their changed subscription bytes start the second rebalance.
 *
 * <p>Pure state machine: time comes in as arguments and {@link #tick} runs the deadlines. Parked
 * requests are futures completed after the state changed. Thread-safe: every public method is
 * synchronized.
 */
public final class ClassicGroup {
    /** Kafka's classic group states, with Kafka's spelling for DescribeGroups and ListGroups. */
    public enum State {
        EMPTY("Empty"), PREPARING_REBALANCE("PreparingRebalance"), COMPLETING_REBALANCE("CompletingRebalance"),
        STABLE("Stable");

        private final String label;

        State(String label) {
            this.label = label;
        }

        public String label() {
            return label;
        }
    }

    private final String groupId;
    private final GroupConfig config;
    private final long coordinatedSince;
    private final ClassicMembers members;
    /** Parked requests to answer once the state change that completes them is done. */
    private final List<Runnable> completions = new ArrayList<>();
    private State state = State.EMPTY;
    private int generationId;
    private String protocolType;
    private String protocolName;
    private long joinDeadlineMs = Long.MAX_VALUE;
    /** In the initial delay of an empty group's first rebalance, which joins extend up to this limit. */
    private boolean initialDelay;
    private long initialDelayLimitMs;
    private long syncDeadlineMs = Long.MAX_VALUE;

    /** @param coordinatedSince the metadata index from which this node has coordinated the group (see GroupCoordinator) */
    public ClassicGroup(String groupId, GroupConfig config, long coordinatedSince) {
        this.groupId = groupId;
        this.config = config;
        this.coordinatedSince = coordinatedSince;
        this.members = new ClassicMembers(groupId);
    }

    public String groupId() {
        return groupId;
    }

    public long coordinatedSince() {
        return coordinatedSince;
    }

    public synchronized State state() {
        return state;
    }

    public synchronized int generationId() {
        return generationId;
    }

    /** No members and no member ids pending: the coordinator may forget the group (its offsets stay). */
    public synchronized boolean isEmpty() {
        return members.isEmpty();
    }

    public synchronized int memberCount() {
        return members.size();
    }

    public synchronized CompletableFuture<Classic.JoinResult> join(Classic.JoinRequest r, long nowMs) {
        try {
            return joinChecked(r, nowMs);
        } finally {
            runCompletions();
        }
    }

    private CompletableFuture<Classic.JoinResult> joinChecked(Classic.JoinRequest r, long nowMs) {
        if (r.sessionTimeoutMs() < config.minSessionTimeoutMs() || r.sessionTimeoutMs() > config.maxSessionTimeoutMs()) {
            return joinError(ErrorCode.INVALID_SESSION_TIMEOUT, "session.timeout.ms " + r.sessionTimeoutMs()
                    + " is outside the range the coordinator allows (" + config.minSessionTimeoutMs() + " to "
                    + config.maxSessionTimeoutMs() + ")", r.memberId());
        }
        String mismatch = ClassicProtocols.mismatch(groupId, protocolType, members.all(), r);
        if (mismatch != null) {
            return joinError(ErrorCode.INCONSISTENT_GROUP_PROTOCOL, mismatch, r.memberId());
        }
        if (!admits(r, nowMs)) {
            return joinError(ErrorCode.GROUP_MAX_SIZE_REACHED, "group '" + groupId + "' has reached its maximum size"
                    + " of " + config.classicMaxSize() + " members (group.max.size)", "");
        }
        if (r.memberId().isEmpty()) {
            String memberId = (r.clientId() == null || r.clientId().isEmpty() ? "member" : r.clientId()) + "-"
                    + UUID.randomUUID();
            if (r.instanceId() != null) {
                ClassicMember old = members.byInstance(r.instanceId());
                return old != null ? replaceStaticMember(old, memberId, r, nowMs)
                        : addAndRebalance(memberId, r, nowMs);
            }
            if (r.requireKnownMemberId()) {
                members.addPending(memberId, nowMs + r.sessionTimeoutMs());
                return joinError(ErrorCode.MEMBER_ID_REQUIRED, "join again with the member id given", memberId);
            }
            return addAndRebalance(memberId, r, nowMs);
        }
        if (members.usePending(r.memberId())) {
            return addAndRebalance(r.memberId(), r, nowMs);
        }
        ClassicMember m;
        try {
            m = members.validate(r.memberId(), r.instanceId());
        } catch (SluiceException e) {
            return joinError(e.code(), e.getMessage(), r.memberId());
        }
        if (state == State.COMPLETING_REBALANCE && m.sameProtocols(r.protocols())) {
            // A JoinGroup sent again (its answer was lost): answer it with the generation it belongs to.
            return CompletableFuture.completedFuture(joinResult(m, false));
        }
        if (state == State.STABLE && !members.isLeader(m) && m.sameProtocols(r.protocols())) {
            m.update(r, nowMs);
            return CompletableFuture.completedFuture(joinResult(m, false));
        }
        m.update(r, nowMs);
        return awaitJoin(m, nowMs);
    }

    /** Kafka's {@code group.max.size} rule (see {@link ClassicMembers#admits}); a member turned away is removed. */
    private boolean admits(Classic.JoinRequest r, long nowMs) {
        if (members.admits(state, r.memberId(), r.instanceId(), config.classicMaxSize())) {
            return true;
        }
        members.usePending(r.memberId());
        ClassicMember member = members.get(r.memberId());
        if (member != null) {
            remove(member); // so the join phase does not wait for it
            membersRemoved(nowMs);
        }
        return false;
    }

    private CompletableFuture<Classic.JoinResult> addAndRebalance(String memberId, Classic.JoinRequest r, long nowMs) {
        ClassicMember m = new ClassicMember(memberId, r.instanceId());
        m.update(r, nowMs);
        members.add(m);
        protocolType = r.protocolType();
        if (state == State.PREPARING_REBALANCE && initialDelay) {
            joinDeadlineMs = Math.min(nowMs + config.initialRebalanceDelayMs(), initialDelayLimitMs);
        }
        return awaitJoin(m, nowMs);
    }

    /**
     * A static member restarted (new member id, same instance id): the new id takes the old one's place
     * and the old id is fenced. A Stable group with unchanged protocols keeps its assignment, so there
     * is no rebalance; the leader is told to skip computing one.
     */
    private CompletableFuture<Classic.JoinResult> replaceStaticMember(ClassicMember old, String memberId,
                                                                     Classic.JoinRequest r, long nowMs) {
        ClassicMember m = new ClassicMember(memberId, r.instanceId());
        m.protocols = old.protocols;
        m.assignment = old.assignment;
        boolean unchanged = old.sameProtocols(r.protocols());
        fence(old, ErrorCode.FENCED_INSTANCE_ID, "static member '" + r.instanceId()
                + "' joined again with a new member id");
        members.replace(old, m);
        m.update(r, nowMs);
        if (state == State.STABLE && unchanged) {
            return CompletableFuture.completedFuture(joinResult(m, true));
        }
        return awaitJoin(m, nowMs);
    }

    /** Parks the member's JoinGroup and moves the group into (or on in) a rebalance. */
    private CompletableFuture<Classic.JoinResult> awaitJoin(ClassicMember m, long nowMs) {
        if (m.awaitingJoin != null) {
            complete(m.awaitingJoin, Classic.JoinResult.error(ErrorCode.REBALANCE_IN_PROGRESS,
                    "superseded by a later JoinGroup of the same member", m.memberId));
        }
        CompletableFuture<Classic.JoinResult> joined = new CompletableFuture<>();
        m.awaitingJoin = joined;
        if (state == State.PREPARING_REBALANCE) {
            tryCompleteJoin(nowMs);
        } else {
            prepareRebalance(nowMs);
        }
        return joined;
    }

    private void prepareRebalance(long nowMs) {
        if (state == State.COMPLETING_REBALANCE) {
            // The assignment being handed out is void: its members must rejoin.
            for (ClassicMember m : members.all()) {
                m.assignment = new byte[0];
                if (m.awaitingSync != null) {
                    complete(m.awaitingSync, Classic.SyncResult.error(ErrorCode.REBALANCE_IN_PROGRESS,
                            "group '" + groupId + "' is rebalancing again; rejoin"));
                    m.awaitingSync = null;
                }
            }
        }
        boolean fromEmpty = state == State.EMPTY;
        state = State.PREPARING_REBALANCE;
        syncDeadlineMs = Long.MAX_VALUE;
        long rebalanceTimeout = members.maxRebalanceTimeoutMs();
        if (fromEmpty && config.initialRebalanceDelayMs() > 0) {
            initialDelay = true;
            initialDelayLimitMs = nowMs + Math.max(rebalanceTimeout, config.initialRebalanceDelayMs());
            joinDeadlineMs = nowMs + config.initialRebalanceDelayMs();
        } else {
            initialDelay = false;
            joinDeadlineMs = nowMs + rebalanceTimeout;
            tryCompleteJoin(nowMs);
        }
    }

    private void tryCompleteJoin(long nowMs) {
        if (state == State.PREPARING_REBALANCE && !initialDelay && !members.hasPending()
                && members.awaitingJoinCount() == members.size()) {
            completeJoin(nowMs);
        }
    }

    /** Ends the join phase: members that did not rejoin are out, a new generation starts with a protocol and a leader. */
    private void completeJoin(long nowMs) {
        for (ClassicMember m : members.snapshot()) {
            if (m.awaitingJoin == null) {
                remove(m);
            }
        }
        initialDelay = false;
        joinDeadlineMs = Long.MAX_VALUE;
        generationId++;
        members.resetLeader();
        if (members.size() == 0) {
            state = State.EMPTY;
            protocolName = null;
            return;
        }
        protocolName = ClassicProtocols.select(members.all());
        state = State.COMPLETING_REBALANCE;
        syncDeadlineMs = nowMs + members.maxRebalanceTimeoutMs();
        for (ClassicMember m : members.all()) {
            m.pendingSync = true;
            m.sessionDeadlineMs = nowMs + m.sessionTimeoutMs;
            CompletableFuture<Classic.JoinResult> joined = m.awaitingJoin;
            m.awaitingJoin = null;
            complete(joined, joinResult(m, false));
        }
    }

    private Classic.JoinResult joinResult(ClassicMember m, boolean skipAssignment) {
        List<Classic.JoinedMember> all = new ArrayList<>();
        if (members.isLeader(m)) {
            for (ClassicMember each : members.all()) {
                all.add(new Classic.JoinedMember(each.memberId, each.instanceId, each.metadata(protocolName)));
            }
        }
        return new Classic.JoinResult(ErrorCode.NONE, "", generationId, protocolType, protocolName,
                members.leaderId(), m.memberId, skipAssignment, all);
    }

    public synchronized CompletableFuture<Classic.SyncResult> sync(Classic.SyncRequest r, long nowMs) {
        try {
            return syncChecked(r, nowMs);
        } finally {
            runCompletions();
        }
    }

    private CompletableFuture<Classic.SyncResult> syncChecked(Classic.SyncRequest r, long nowMs) {
        ClassicMember m;
        try {
            m = members.validate(r.memberId(), r.instanceId());
            checkGeneration(r.generationId());
        } catch (SluiceException e) {
            return CompletableFuture.completedFuture(Classic.SyncResult.error(e.code(), e.getMessage()));
        }
        if (r.protocolType() != null && !r.protocolType().equals(protocolType)
                || r.protocolName() != null && !r.protocolName().equals(protocolName)) {
            return CompletableFuture.completedFuture(Classic.SyncResult.error(ErrorCode.INCONSISTENT_GROUP_PROTOCOL,
                    "group '" + groupId + "' uses protocol " + protocolType + "/" + protocolName + ", not "
                            + r.protocolType() + "/" + r.protocolName()));
        }
        m.sessionDeadlineMs = nowMs + m.sessionTimeoutMs;
        if (state == State.PREPARING_REBALANCE) {
            return CompletableFuture.completedFuture(Classic.SyncResult.error(ErrorCode.REBALANCE_IN_PROGRESS,
                    "group '" + groupId + "' is rebalancing; rejoin"));
        }
        if (state == State.STABLE) {
            m.pendingSync = false;
            return CompletableFuture.completedFuture(syncResult(m));
        }
        m.pendingSync = false;
        if (m.awaitingSync != null) {
            complete(m.awaitingSync, Classic.SyncResult.error(ErrorCode.REBALANCE_IN_PROGRESS,
                    "superseded by a later SyncGroup of the same member"));
        }
        CompletableFuture<Classic.SyncResult> synced = new CompletableFuture<>();
        m.awaitingSync = synced;
        if (members.isLeader(m)) {
            for (ClassicMember each : members.all()) {
                each.assignment = r.assignments().getOrDefault(each.memberId, new byte[0]);
            }
            state = State.STABLE;
            for (ClassicMember each : members.all()) {
                if (each.awaitingSync != null) {
                    complete(each.awaitingSync, syncResult(each));
                    each.awaitingSync = null;
                }
            }
        }
        return synced;
    }

    private Classic.SyncResult syncResult(ClassicMember m) {
        return new Classic.SyncResult(ErrorCode.NONE, "", protocolType, protocolName, m.assignment);
    }

    /** A Heartbeat: refused (thrown) when the member is unknown, fenced or stale, or must rejoin. */
    public synchronized void heartbeat(String memberId, String instanceId, int generation, long nowMs) {
        ClassicMember m = members.validate(memberId, instanceId);
        checkGeneration(generation);
        m.sessionDeadlineMs = nowMs + m.sessionTimeoutMs;
        if (state == State.PREPARING_REBALANCE) {
            throw new SluiceException(ErrorCode.REBALANCE_IN_PROGRESS, "group '" + groupId + "' is rebalancing; rejoin");
        }
    }

    /** LeaveGroup for each member named; the rest of the group rebalances once. */
    public synchronized List<Classic.LeaveResult> leave(List<Classic.LeaveRequest> leaving, long nowMs) {
        List<Classic.LeaveResult> results = new ArrayList<>();
        boolean removed = false;
        for (Classic.LeaveRequest l : leaving) {
            String memberId = l.memberId() == null ? "" : l.memberId();
            try {
                ClassicMember m = members.leaving(l);
                if (m != null) {
                    remove(m);
                    removed = true;
                }
                results.add(new Classic.LeaveResult(memberId, l.instanceId(), ErrorCode.NONE, ""));
            } catch (SluiceException e) {
                results.add(new Classic.LeaveResult(memberId, l.instanceId(), e.code(), e.getMessage()));
            }
        }
        if (removed) {
            membersRemoved(nowMs);
        }
        runCompletions();
        return results;
    }

    /**
     * Runs the deadlines: member ids never used lapse, members whose session ran out are removed, the
     * join phase ends at its deadline, and members that never sent their SyncGroup in the rebalance
     * timeout are removed. Returns what it did, for the log.
     */
    public synchronized List<String> tick(long nowMs) {
        List<String> done = new ArrayList<>();
        boolean removed = members.expirePending(nowMs);
        for (ClassicMember m : members.snapshot()) {
            if (m.expired(nowMs)) {
                done.add("member " + m.memberId + " of group " + groupId + ": session timeout passed");
                remove(m);
                removed = true;
            }
        }
        if (state == State.PREPARING_REBALANCE && nowMs >= joinDeadlineMs) {
            completeJoin(nowMs);
        } else if (removed) {
            membersRemoved(nowMs);
        }
        if ((state == State.COMPLETING_REBALANCE || state == State.STABLE) && nowMs >= syncDeadlineMs) {
            syncDeadlineMs = Long.MAX_VALUE;
            boolean late = false;
            for (ClassicMember m : members.snapshot()) {
                if (m.pendingSync) {
                    done.add("member " + m.memberId + " of group " + groupId + ": no SyncGroup in the rebalance timeout");
                    remove(m);
                    late = true;
                }
            }
            if (late) {
                membersRemoved(nowMs);
            }
        }
        runCompletions();
        return done;
    }

    /**
     * Kafka's check of a classic OffsetCommit: a commit without membership (generation -1, as from an
     * assign() consumer or the admin tools) only while the group is Empty; a member's only with the
     * current generation, and not while the generation's assignment is being handed out. A commit in
     * PreparingRebalance with the generation just ended is accepted: eager consumers commit before rejoining.
     */
    public synchronized void checkCommit(String memberId, String instanceId, int generation, long nowMs) {
        if (generation < 0 && state == State.EMPTY) {
            return;
        }
        if (generation >= 0 || !memberId.isEmpty() || instanceId != null) {
            ClassicMember m = members.validate(memberId, instanceId);
            checkGeneration(generation);
            m.sessionDeadlineMs = nowMs + m.sessionTimeoutMs;
        } else if (state != State.EMPTY) {
            throw new SluiceException(ErrorCode.UNKNOWN_MEMBER_ID, "group '" + groupId + "' has " + members.size()
                    + " active member(s); only they can commit its offsets");
        }
        if (state == State.COMPLETING_REBALANCE) {
            throw new SluiceException(ErrorCode.REBALANCE_IN_PROGRESS, "group '" + groupId
                    + "' is handing out a new assignment; commit after SyncGroup");
        }
    }

    public synchronized Classic.Description describe() {
        boolean stable = state == State.STABLE;
        List<Classic.DescribedMember> described = members.all().stream().map(m -> m.describe(stable, protocolName))
                .toList();
        return new Classic.Description(groupId, state.label(), protocolType == null ? "" : protocolType,
                stable && protocolName != null ? protocolName : "", described);
    }

    private void checkGeneration(int generation) {
        if (generation != generationId) {
            throw new SluiceException(ErrorCode.ILLEGAL_GENERATION, "generation " + generation + " of group '"
                    + groupId + "' is over (it is at " + generationId + "); rejoin");
        }
    }

    /** After members left or expired: rebalance the rest, or finish a join phase that now has everyone. */
    private void membersRemoved(long nowMs) {
        if (state == State.PREPARING_REBALANCE) {
            tryCompleteJoin(nowMs);
        } else if (state != State.EMPTY) {
            prepareRebalance(nowMs);
        }
    }

    private void remove(ClassicMember m) {
        fence(m, ErrorCode.UNKNOWN_MEMBER_ID, "member '" + m.memberId + "' left group '" + groupId + "' or its session expired");
        members.remove(m);
    }

    /** Answers a removed or replaced member's parked requests with {@code code}. */
    private void fence(ClassicMember m, ErrorCode code, String why) {
        if (m.awaitingJoin != null) {
            complete(m.awaitingJoin, Classic.JoinResult.error(code, why, m.memberId));
            m.awaitingJoin = null;
        }
        if (m.awaitingSync != null) {
            complete(m.awaitingSync, Classic.SyncResult.error(code, why));
            m.awaitingSync = null;
        }
    }

    private <T> void complete(CompletableFuture<T> future, T value) {
        completions.add(() -> future.complete(value));
    }

    private void runCompletions() {
        List<Runnable> now = List.copyOf(completions);
        completions.clear();
        now.forEach(Runnable::run);
    }

    private CompletableFuture<Classic.JoinResult> joinError(ErrorCode error, String message, String memberId) {
        return CompletableFuture.completedFuture(Classic.JoinResult.error(error, message, memberId));
    }
}
