package io.sluice.group;

import com.google.re2j.Pattern;
import com.google.re2j.PatternSyntaxException;
import io.sluice.protocol.TopicPartition;
import io.sluice.protocol.ErrorCode;
import io.sluice.protocol.SluiceException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;

/**
 * One consumer group on its coordinator: the members, the group epoch (bumped by every change of
 * membership, subscription or subscribed partitions), the target assignment computed for it, and each
 * member's progress towards its target.
 *
 * <p>Hand-over is revoke-then-assign: a partition moving from A to B is first taken out of A's
 * assignment (A commits and stops reading it, then stops reporting it as owned), and only after that
 * heartbeat is it added to B's. A member's epoch catches up with the target epoch once it has nothing
 * left to revoke; offset commits carry that epoch and are refused from members that are gone, stale,
 * or do not own the partition, so a member that lost a partition can never move its offset.
 *
 * <p>Pure state machine: time comes in as arguments, topics as a map of partition counts. Not
 * thread-safe by itself: the coordinator calls it under the group's monitor (every public method is
 * synchronized).
 */
public final class ConsumerGroup {
    private final String groupId;
    private final GroupConfig config;
    private final Map<String, GroupMember> members = new TreeMap<>();
    private final Map<String, String> memberByInstance = new HashMap<>();
    private Map<String, Set<TopicPartition>> target = new HashMap<>();
    private int groupEpoch;
    private int assignmentEpoch;
    private String assignor = Assignors.DEFAULT;
    /** The subscriptions and partition counts the current target was computed from. */
    private AssignmentInputs targetInputs = AssignmentInputs.NONE;
    /** Until then only partitions a member reports owning are handed out (see GroupConfig). */
    private final long holdNewPartitionsUntilMs;

    /** Subscriptions resolved to topics, and those topics' partition counts. */
    private record AssignmentInputs(SortedMap<String, SortedSet<String>> topicsByMember,
                                    SortedMap<String, Integer> partitionCounts) {
        static final AssignmentInputs NONE = new AssignmentInputs(new TreeMap<>(), new TreeMap<>());
    }

    /** The metadata index from which this node has coordinated the group without a break (see GroupCoordinator). */
    private final long coordinatedSince;

    public ConsumerGroup(String groupId, GroupConfig config, long holdNewPartitionsUntilMs) {
        this(groupId, config, holdNewPartitionsUntilMs, 0);
    }

    public ConsumerGroup(String groupId, GroupConfig config, long holdNewPartitionsUntilMs, long coordinatedSince) {
        this.groupId = groupId;
        this.config = config;
        this.holdNewPartitionsUntilMs = holdNewPartitionsUntilMs;
        this.coordinatedSince = coordinatedSince;
    }

    public String groupId() {
        return groupId;
    }

    public long coordinatedSince() {
        return coordinatedSince;
    }

    /**
     * Handles a heartbeat: joins, leaves, or updates the member, recomputes the target when anything it
     * depends on changed, and moves the member one step towards its target. Errors (unknown member,
     * stale epoch, bad subscription) are thrown as {@link SluiceException} and change nothing.
     */
    public synchronized Heartbeat.Result heartbeat(Heartbeat.Request request, SortedMap<String, Integer> topics,
                                                   long nowMs) {
        if (request.memberEpoch() == Heartbeat.LEAVE_EPOCH || request.memberEpoch() == Heartbeat.STATIC_LEAVE_EPOCH) {
            return leave(request, nowMs);
        }
        GroupMember known = request.memberEpoch() == Heartbeat.JOIN_EPOCH ? null : members.get(request.memberId());
        request = known == null ? request.completedFrom(List.of(), "", "", Set.of())
                : request.completedFrom(known.topics, known.topicRegex, known.assignor, known.reported);
        validate(request);
        GroupMember member = request.memberEpoch() == Heartbeat.JOIN_EPOCH ? join(request) : existing(request);
        member.clientId = request.clientId();
        member.clientHost = request.clientHost();
        member.sessionTimeoutMs = request.sessionTimeoutMs();
        member.rebalanceTimeoutMs = request.rebalanceTimeoutMs() > 0 ? request.rebalanceTimeoutMs() : 300_000;
        member.sessionDeadlineMs = nowMs + member.sessionTimeoutMs;
        updateSubscription(member, request);
        member.revoking.retainAll(request.owned());
        member.reported = request.owned();
        maybeComputeTarget(topics);
        reconcile(member, nowMs);
        Set<TopicPartition> targetOfMember = target.getOrDefault(member.memberId, Set.of());
        boolean pending = !member.assigned.containsAll(targetOfMember) || !member.revoking.isEmpty();
        int interval = Math.max(10, Math.min(config.heartbeatIntervalMs(), member.sessionTimeoutMs / 3));
        return new Heartbeat.Result(member.memberId, member.memberEpoch, interval, member.assigned, pending);
    }

    private void validate(Heartbeat.Request request) {
        if (request.sessionTimeoutMs() < config.minSessionTimeoutMs()
                || request.sessionTimeoutMs() > config.maxSessionTimeoutMs()) {
            throw new SluiceException(ErrorCode.INVALID_SESSION_TIMEOUT, "session.timeout.ms "
                    + request.sessionTimeoutMs() + " is outside the range the coordinator allows ("
                    + config.minSessionTimeoutMs() + " to " + config.maxSessionTimeoutMs() + ")");
        }
        if (!request.assignor().isEmpty()) {
            Assignors.byName(request.assignor()); // refuses an unknown name
        }
        if (!request.topicRegex().isEmpty()) {
            try {
                Pattern.compile(request.topicRegex());
            } catch (PatternSyntaxException e) {
                // RE2J, as Kafka's coordinator: no backreferences or lookaround, linear-time matching.
                throw new SluiceException(ErrorCode.INVALID_REGULAR_EXPRESSION, "the subscription pattern '"
                        + request.topicRegex() + "' is not a valid RE2J regular expression: " + e.getDescription());
            }
        }
    }

    private GroupMember join(Heartbeat.Request request) {
        String instanceId = request.instanceId();
        if (!instanceId.isEmpty() && memberByInstance.containsKey(instanceId)) {
            return replaceStaticMember(members.get(memberByInstance.get(instanceId)), request);
        }
        String memberId = request.memberId().isEmpty() ? UUID.randomUUID().toString() : request.memberId();
        if (!members.containsKey(memberId) && members.size() >= config.consumerMaxSize()) {
            // Kafka's rule: a newcomer is refused once the group is full; members (and static restarts) are not.
            throw new SluiceException(ErrorCode.GROUP_MAX_SIZE_REACHED, "The consumer group has reached its maximum"
                    + " capacity of " + config.consumerMaxSize() + " members (group.consumer.max.size).");
        }
        GroupMember old = members.remove(memberId);
        if (old != null) {
            // The member lost its state (a fencing on its side): it starts over and keeps only what it reports.
            target.remove(memberId);
            memberByInstance.remove(old.instanceId);
        }
        GroupMember member = new GroupMember(memberId);
        member.instanceId = instanceId;
        for (TopicPartition tp : request.owned()) {
            if (ownerOf(tp) == null) {
                member.assigned.add(tp);
            }
        }
        members.put(memberId, member);
        if (!instanceId.isEmpty()) {
            memberByInstance.put(instanceId, memberId);
        }
        markChanged();
        return member;
    }

    /**
     * A static member (same {@code group.instance.id}) coming back: it takes over the old member's
     * identity, epoch and partitions without a rebalance. If the old one is still running, it is fenced:
     * its next request finds its member id unknown.
     */
    private GroupMember replaceStaticMember(GroupMember old, Heartbeat.Request request) {
        String memberId = request.memberId().isEmpty() || request.memberId().equals(old.memberId)
                ? UUID.randomUUID().toString() : request.memberId();
        GroupMember member = new GroupMember(memberId);
        member.instanceId = old.instanceId;
        member.memberEpoch = old.memberEpoch;
        member.topics = old.topics;
        member.topicRegex = old.topicRegex;
        member.compiledRegex = old.compiledRegex;
        member.assignor = old.assignor;
        member.assigned.addAll(old.assigned);
        // What the old incarnation was revoking is released unless the new one says it still holds it.
        old.revoking.stream().filter(request.owned()::contains).forEach(member.revoking::add);
        members.remove(old.memberId);
        members.put(memberId, member);
        memberByInstance.put(member.instanceId, memberId);
        Set<TopicPartition> oldTarget = target.remove(old.memberId);
        if (oldTarget != null) {
            target.put(memberId, oldTarget);
            targetInputs.topicsByMember().put(memberId, targetInputs.topicsByMember().remove(old.memberId));
        }
        return member;
    }

    private GroupMember existing(Heartbeat.Request request) {
        GroupMember member = members.get(request.memberId());
        if (member == null) {
            throw new SluiceException(ErrorCode.UNKNOWN_MEMBER_ID, "member '" + request.memberId()
                    + "' is not in group '" + groupId + "' (its session expired, it was replaced by a member with "
                    + "the same group.instance.id, or the coordinator moved); rejoin with epoch 0");
        }
        if (member.staticLeft) {
            throw new SluiceException(ErrorCode.UNKNOWN_MEMBER_ID, "member '" + request.memberId()
                    + "' left group '" + groupId + "'; rejoin with epoch 0");
        }
        boolean current = request.memberEpoch() == member.memberEpoch;
        boolean previous = request.memberEpoch() == member.previousEpoch
                && request.owned().stream().allMatch(member::owns);
        if (!current && !previous) {
            throw new SluiceException(ErrorCode.ILLEGAL_GENERATION, "member '" + request.memberId() + "' sent epoch "
                    + request.memberEpoch() + " but its epoch is " + member.memberEpoch + "; it must give up its "
                    + "partitions and rejoin with epoch 0");
        }
        return member;
    }

    private void updateSubscription(GroupMember member, Heartbeat.Request request) {
        String chosenAssignor = request.assignor().isEmpty() ? member.assignor : request.assignor();
        if (!member.topics.equals(request.topics()) || !member.topicRegex.equals(request.topicRegex())
                || !member.assignor.equals(chosenAssignor)) {
            member.topics = request.topics();
            member.topicRegex = request.topicRegex();
            member.compiledRegex = request.topicRegex().isEmpty() ? null : Pattern.compile(request.topicRegex());
            member.assignor = chosenAssignor;
            markChanged();
        }
    }

    private Heartbeat.Result leave(Heartbeat.Request request, long nowMs) {
        GroupMember member = members.get(request.memberId());
        if (member != null) {
            if (request.memberEpoch() == Heartbeat.STATIC_LEAVE_EPOCH && !member.instanceId.isEmpty()) {
                // Kept with its partitions until the session runs out: a quick restart causes no rebalance.
                member.staticLeft = true;
                member.sessionDeadlineMs = nowMs + member.sessionTimeoutMs;
            } else {
                remove(member);
            }
        }
        return new Heartbeat.Result(request.memberId(), request.memberEpoch(), 0, Set.of(), false);
    }

    private void remove(GroupMember member) {
        members.remove(member.memberId);
        target.remove(member.memberId);
        if (!member.instanceId.isEmpty()) {
            memberByInstance.remove(member.instanceId, member.memberId);
        }
        markChanged();
    }

    /**
     * Removes members whose session ran out or that have not revoked partitions within their rebalance
     * timeout; their partitions become free at once. Returns a line per removed member, for the log.
     */
    public synchronized List<String> expire(long nowMs) {
        List<String> removed = new ArrayList<>();
        for (GroupMember m : List.copyOf(members.values())) {
            if (nowMs >= m.sessionDeadlineMs) {
                remove(m);
                removed.add("member " + m.memberId + " of group " + groupId + ": session timed out after "
                        + m.sessionTimeoutMs + " ms");
            } else if (!m.revoking.isEmpty() && nowMs >= m.revocationDeadlineMs) {
                remove(m);
                removed.add("member " + m.memberId + " of group " + groupId + ": did not release " + m.revoking
                        + " within its rebalance timeout of " + m.rebalanceTimeoutMs + " ms");
            }
        }
        return removed;
    }

    private void maybeComputeTarget(SortedMap<String, Integer> topics) {
        AssignmentInputs inputs = inputs(topics);
        if (!inputs.equals(targetInputs)) {
            markChanged(); // the subscribed topics or their partition counts changed under the group
        }
        if (groupEpoch == assignmentEpoch) {
            return;
        }
        assignor = chooseAssignor();
        SortedMap<String, AssignmentSpec.Member> specMembers = new TreeMap<>();
        for (GroupMember m : members.values()) {
            specMembers.put(m.memberId, new AssignmentSpec.Member(inputs.topicsByMember().get(m.memberId),
                    target.getOrDefault(m.memberId, m.assigned)));
        }
        target = new HashMap<>(Assignors.byName(assignor).assign(
                new AssignmentSpec(specMembers, inputs.partitionCounts())));
        targetInputs = inputs;
        assignmentEpoch = groupEpoch;
    }

    /** A new group epoch, unless one is already waiting for its target (changes coalesce into it). */
    private void markChanged() {
        if (groupEpoch == assignmentEpoch) {
            groupEpoch++;
        }
    }

    private AssignmentInputs inputs(SortedMap<String, Integer> topics) {
        SortedMap<String, SortedSet<String>> byMember = new TreeMap<>();
        SortedMap<String, Integer> counts = new TreeMap<>();
        for (GroupMember m : members.values()) {
            SortedSet<String> resolved = new TreeSet<>(m.resolveTopics(topics.keySet()));
            byMember.put(m.memberId, resolved);
            resolved.forEach(t -> counts.put(t, topics.get(t)));
        }
        return new AssignmentInputs(byMember, counts);
    }

    /** The assignor most members ask for (ties by name); the default when none asks. */
    private String chooseAssignor() {
        Map<String, Integer> votes = new TreeMap<>();
        members.values().stream().filter(m -> !m.assignor.isEmpty()).forEach(m -> votes.merge(m.assignor, 1, Integer::sum));
        String chosen = assignor;
        int best = 0;
        for (Map.Entry<String, Integer> e : votes.entrySet()) { // name order: the first of equal counts wins
            if (e.getValue() > best) {
                chosen = e.getKey();
                best = e.getValue();
            }
        }
        return chosen;
    }

    /**
     * One step towards the target: partitions no longer in it move to {@code revoking}; partitions of
     * the target that nobody else owns are added (not before the take-over hold ends). The member epoch
     * reaches the assignment epoch once nothing is left to revoke.
     */
    private void reconcile(GroupMember member, long nowMs) {
        Set<TopicPartition> targetOfMember = target.getOrDefault(member.memberId, Set.of());
        List<TopicPartition> revokeNow = member.assigned.stream().filter(tp -> !targetOfMember.contains(tp)).toList();
        if (!revokeNow.isEmpty()) {
            revokeNow.forEach(member.assigned::remove);
            if (member.revoking.isEmpty()) {
                member.revocationDeadlineMs = nowMs + member.rebalanceTimeoutMs;
            }
            member.revoking.addAll(revokeNow);
        }
        for (TopicPartition tp : targetOfMember) {
            if (member.revoking.remove(tp)) {
                member.assigned.add(tp); // back in the target before it was released: simply keep it
            } else if (!member.assigned.contains(tp) && nowMs >= holdNewPartitionsUntilMs && ownerOf(tp) == null) {
                member.assigned.add(tp);
            }
        }
        if (member.revoking.isEmpty()) {
            member.revocationDeadlineMs = Long.MAX_VALUE;
            member.setEpoch(assignmentEpoch);
        } else if (member.memberEpoch == Heartbeat.JOIN_EPOCH) {
            member.setEpoch(assignmentEpoch); // a joiner needs an epoch of its own even while it revokes
        }
    }

    private String ownerOf(TopicPartition tp) {
        for (GroupMember m : members.values()) {
            if (m.owns(tp)) {
                return m.memberId;
            }
        }
        return null;
    }

    /**
     * Checks an offset commit. An empty member id with a negative epoch is a consumer outside the group
     * protocol, allowed only while the group has no members. Whole-request problems are thrown; the
     * answer maps each refused partition to why.
     */
    public synchronized Map<TopicPartition, String> checkCommit(String memberId, int memberEpoch,
                                                                Collection<TopicPartition> partitions) {
        if (memberId.isEmpty() && memberEpoch < 0) {
            if (!members.isEmpty()) {
                throw new SluiceException(ErrorCode.UNKNOWN_MEMBER_ID, "group '" + groupId + "' has "
                        + members.size() + " active member(s); only they can commit its offsets");
            }
            return Map.of();
        }
        GroupMember member = members.get(memberId);
        if (member == null || member.staticLeft) {
            throw new SluiceException(ErrorCode.UNKNOWN_MEMBER_ID, "member '" + memberId + "' is not in group '"
                    + groupId + "'; its offsets were not committed (rejoin to get partitions again)");
        }
        if (memberEpoch != member.memberEpoch && memberEpoch != member.previousEpoch) {
            throw new SluiceException(ErrorCode.ILLEGAL_GENERATION, "member '" + memberId + "' committed with epoch "
                    + memberEpoch + " but its epoch is " + member.memberEpoch + "; the offsets were not committed");
        }
        Map<TopicPartition, String> refused = new LinkedHashMap<>();
        for (TopicPartition tp : partitions) {
            if (!member.owns(tp)) {
                refused.put(tp, "partition " + tp + " is not assigned to member '" + memberId
                        + "' (it was revoked); its offset was not committed");
            }
        }
        return refused;
    }

    /** Whether any member is in the group (including static members that left for a restart). */
    public synchronized boolean hasMembers() {
        return !members.isEmpty();
    }

    public synchronized int memberCount() {
        return members.size();
    }

    public synchronized GroupState state() {
        if (members.isEmpty()) {
            return GroupState.EMPTY;
        }
        for (GroupMember m : members.values()) {
            if (m.memberEpoch != assignmentEpoch || !m.revoking.isEmpty()
                    || !m.assigned.equals(target.getOrDefault(m.memberId, Set.of()))) {
                return GroupState.RECONCILING;
            }
        }
        return GroupState.STABLE;
    }

    public synchronized GroupDescription describe() {
        List<GroupDescription.Member> described = new ArrayList<>();
        for (GroupMember m : members.values()) {
            Set<TopicPartition> owned = new TreeSet<>(m.assigned);
            owned.addAll(m.revoking);
            described.add(new GroupDescription.Member(m.memberId, m.instanceId, Objects.toString(m.clientId, ""),
                    Objects.toString(m.clientHost, ""), m.memberEpoch, m.topics, m.topicRegex, owned,
                    target.getOrDefault(m.memberId, Set.of())));
        }
        return new GroupDescription(groupId, state(), groupEpoch, assignmentEpoch, assignor, described);
    }

    synchronized int groupEpoch() {
        return groupEpoch;
    }
}
