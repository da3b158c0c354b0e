package io.sluice.group;

import io.sluice.protocol.ErrorCode;
import java.util.List;
import java.util.Map;

/**
 * Requests and answers of the classic group protocol (Kafka's JoinGroup, SyncGroup, Heartbeat and
 * LeaveGroup, where the group's leader computes the assignment), free of wire types: protocol
 * metadata and assignments are the clients' opaque bytes. Immutable records (the byte arrays are
 * never changed after they are handed over).
 */
public final class Classic {
    private Classic() {
    }

    /** One protocol a member can use (an assignor, for consumers) with its subscription bytes. */
    public record Protocol(String name, byte[] metadata) {
    }

    /** A JoinGroup. {@code memberId} is empty on a first join; {@code instanceId} is null for dynamic members. */
    public record JoinRequest(String memberId, String instanceId, String protocolType, List<Protocol> protocols,
                              int sessionTimeoutMs, int rebalanceTimeoutMs, boolean requireKnownMemberId,
                              String clientId, String clientHost) {
        public JoinRequest {
            protocols = List.copyOf(protocols);
        }
    }

    /** A member as the leader sees it in its JoinGroup answer: the metadata of the chosen protocol. */
    public record JoinedMember(String memberId, String instanceId, byte[] metadata) {
    }

    /**
     * The answer to a JoinGroup, once the rebalance completes (or at once, for errors and for a member
     * that asked for its member id). Only the leader gets {@code members}; with {@code skipAssignment}
     * (a static leader rejoining a stable group) it must not compute a new assignment.
     */
    public record JoinResult(ErrorCode error, String message, int generationId, String protocolType,
                             String protocolName, String leaderId, String memberId, boolean skipAssignment,
                             List<JoinedMember> members) {
        public JoinResult {
            members = List.copyOf(members);
        }

        static JoinResult error(ErrorCode error, String message, String memberId) {
            return new JoinResult(error, message, -1, null, null, "", memberId, false, List.of());
        }
    }

    /** A SyncGroup; only the leader's carries assignments (member id -> bytes). Type and name may be null (old versions). */
    public record SyncRequest(String memberId, String instanceId, int generationId, String protocolType,
                              String protocolName, Map<String, byte[]> assignments) {
        public SyncRequest {
            assignments = Map.copyOf(assignments);
        }
    }

    /** The answer to a SyncGroup: this member's assignment bytes (empty on errors). */
    public record SyncResult(ErrorCode error, String message, String protocolType, String protocolName,
                             byte[] assignment) {
        static SyncResult error(ErrorCode error, String message) {
            return new SyncResult(error, message, null, null, new byte[0]);
        }
    }

    /** One member leaving: by member id, or (static members, LeaveGroup v3+) by instance id. */
    public record LeaveRequest(String memberId, String instanceId) {
    }

    /** What happened to one leaving member. */
    public record LeaveResult(String memberId, String instanceId, ErrorCode error, String message) {
    }

    /** A group as DescribeGroups shows it; {@code state} is Kafka's spelling (Empty, PreparingRebalance, ...). */
    public record Description(String groupId, String state, String protocolType, String protocolName,
                              List<DescribedMember> members) {
        public Description {
            members = List.copyOf(members);
        }
    }

    /** One member described: the metadata of the group's protocol and its current assignment. */
    public record DescribedMember(String memberId, String instanceId, String clientId, String clientHost,
                                  byte[] metadata, byte[] assignment) {
    }
}
