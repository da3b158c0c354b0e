package io.sluice.group;

import io.sluice.protocol.ErrorCode;
import io.sluice.protocol.SluiceException;
import java.util.Collection;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Who is in one classic group: the members by id (in join order, which picks the next leader), the
 * static members' instance ids, the member ids handed out with MEMBER_ID_REQUIRED and not used yet,
 * and the leader. {@link ClassicGroup} runs the rebalance on top of it; this class only keeps the
 * roster consistent and answers who a request comes from (UNKNOWN_MEMBER_ID, FENCED_INSTANCE_ID).
 *
 * <p>Not thread-safe: guarded by its group's monitor.
 */
final class ClassicMembers {
    private final String groupId;
    private final Map<String, ClassicMember> members = new LinkedHashMap<>();
    private final Map<String, String> memberByInstance = new HashMap<>();
    /** Member ids handed out with MEMBER_ID_REQUIRED -> when they lapse unless the member joins with them. */
    private final Map<String, Long> pending = new HashMap<>();
    private String leaderId;

    ClassicMembers(String groupId) {
        this.groupId = groupId;
    }

    Collection<ClassicMember> all() {
        return members.values();
    }

    int size() {
        return members.size();
    }

    /** No members and no member ids pending. */
    boolean isEmpty() {
        return members.isEmpty() && pending.isEmpty();
    }

    /** The member with this id, or null. */
    ClassicMember get(String memberId) {
        return members.get(memberId);
    }

    /** The member that holds {@code instanceId} now, or null. */
    ClassicMember byInstance(String instanceId) {
        String id = instanceId == null ? null : memberByInstance.get(instanceId);
        return id == null ? null : members.get(id);
    }

    void add(ClassicMember m) {
        members.put(m.memberId, m);
        if (m.instanceId != null) {
            memberByInstance.put(m.instanceId, m.memberId);
        }
        if (leaderId == null) {
            leaderId = m.memberId;
        }
    }

    /** A static member's new incarnation takes the old one's place, leadership included. */
    void replace(ClassicMember old, ClassicMember m) {
        members.remove(old.memberId);
        members.put(m.memberId, m);
        memberByInstance.put(m.instanceId, m.memberId);
        if (old.memberId.equals(leaderId)) {
            leaderId = m.memberId;
        }
    }

    /** Removes the member; a leader that goes is followed by the member that joined first. */
    void remove(ClassicMember m) {
        members.remove(m.memberId);
        if (m.instanceId != null && m.memberId.equals(memberByInstance.get(m.instanceId))) {
            memberByInstance.remove(m.instanceId);
        }
        if (m.memberId.equals(leaderId)) {
            Iterator<String> next = members.keySet().iterator();
            leaderId = next.hasNext() ? next.next() : null;
        }
    }

    void addPending(String memberId, long deadlineMs) {
        pending.put(memberId, deadlineMs);
    }

    /** Takes a pending member id out; whether it was pending. */
    boolean usePending(String memberId) {
        return pending.remove(memberId) != null;
    }

    boolean hasPending() {
        return !pending.isEmpty();
    }

    /** Drops the pending member ids whose deadline passed; whether there were any. */
    boolean expirePending(long nowMs) {
        return pending.values().removeIf(deadline -> nowMs >= deadline);
    }

    String leaderId() {
        return leaderId;
    }

    boolean isLeader(ClassicMember m) {
        return m.memberId.equals(leaderId);
    }

    /** Forgets the leader (the group emptied) or names one if the last one is gone. */
    void resetLeader() {
        if (members.isEmpty()) {
            leaderId = null;
        } else if (leaderId == null || !members.containsKey(leaderId)) {
            leaderId = members.keySet().iterator().next();
        }
    }

    /**
     * Kafka's {@code group.max.size} rule: an Empty group admits anyone; during the join phase a member
     * already rejoined is admitted and anyone else only while fewer than the limit have rejoined (so
     * lowering the limit trims the group); otherwise members are admitted and newcomers only below the
     * limit. A static member's restart (no member id, a known instance id) takes its old place, so it
     * never counts as a newcomer.
     */
    boolean admits(ClassicGroup.State state, String memberId, String instanceId, int maxSize) {
        ClassicMember member = members.get(memberId);
        ClassicMember known = member != null || !memberId.isEmpty() ? member : byInstance(instanceId);
        return switch (state) {
            case EMPTY -> true;
            case PREPARING_REBALANCE -> known != null && known.awaitingJoin != null || awaitingJoinCount() < maxSize;
            case COMPLETING_REBALANCE, STABLE -> known != null || members.size() < maxSize;
        };
    }

    /** The longest rebalance timeout of the members: how long a join or sync phase may take. */
    long maxRebalanceTimeoutMs() {
        return members.values().stream().mapToLong(m -> m.rebalanceTimeoutMs).max().orElse(0);
    }

    /** Members whose JoinGroup is parked in the current join phase. */
    int awaitingJoinCount() {
        return (int) members.values().stream().filter(m -> m.awaitingJoin != null).count();
    }

    /**
     * The member a request comes from. Thrown: FENCED_INSTANCE_ID when another process holds the
     * instance id now, UNKNOWN_MEMBER_ID when the member id is not in the group.
     */
    ClassicMember validate(String memberId, String instanceId) {
        if (instanceId != null) {
            String current = memberByInstance.get(instanceId);
            if (current != null && !current.equals(memberId)) {
                throw new SluiceException(ErrorCode.FENCED_INSTANCE_ID, "member '" + memberId + "' was fenced: "
                        + "another process joined group '" + groupId + "' with group.instance.id '" + instanceId + "'");
            }
        }
        ClassicMember m = members.get(memberId);
        if (m == null) {
            throw new SluiceException(ErrorCode.UNKNOWN_MEMBER_ID, "member '" + memberId + "' is not in group '"
                    + groupId + "' (its session may have expired); rejoin");
        }
        return m;
    }

    /**
     * The member a LeaveGroup entry names (by instance id when it has one), or null when it named a
     * pending member id, which is dropped here. Thrown: UNKNOWN_MEMBER_ID, FENCED_INSTANCE_ID.
     */
    ClassicMember leaving(Classic.LeaveRequest l) {
        String memberId = l.memberId() == null ? "" : l.memberId();
        if (l.instanceId() != null) {
            String current = memberByInstance.get(l.instanceId());
            if (current == null) {
                throw new SluiceException(ErrorCode.UNKNOWN_MEMBER_ID, "no member with instance id '"
                        + l.instanceId() + "' in group '" + groupId + "'");
            }
            if (!memberId.isEmpty() && !memberId.equals(current)) {
                throw new SluiceException(ErrorCode.FENCED_INSTANCE_ID, "member '" + memberId
                        + "' was fenced by a newer member with instance id '" + l.instanceId() + "'");
            }
            return members.get(current);
        }
        if (usePending(memberId)) {
            return null;
        }
        ClassicMember m = members.get(memberId);
        if (m == null) {
            throw new SluiceException(ErrorCode.UNKNOWN_MEMBER_ID, "member '" + memberId + "' is not in group '"
                    + groupId + "'");
        }
        return m;
    }

    /** A copy, for loops that remove members. */
    List<ClassicMember> snapshot() {
        return List.copyOf(members.values());
    }
}
