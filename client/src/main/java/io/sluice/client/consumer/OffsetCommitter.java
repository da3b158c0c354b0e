package io.sluice.client.consumer;

import io.sluice.client.Network;
import io.sluice.client.NetworkClient;
import io.sluice.client.Node;
import io.sluice.protocol.Time;
import io.sluice.protocol.TopicPartition;
import io.sluice.client.consumer.internals.CoordinatorLookup;
import io.sluice.protocol.ErrorCode;
import io.sluice.protocol.Errors;
import io.sluice.protocol.SluiceException;
import io.sluice.protocol.rpc.ApiKey;
import io.sluice.protocol.rpc.OffsetCommitPartition;
import io.sluice.protocol.rpc.OffsetCommitRequest;
import io.sluice.protocol.rpc.OffsetCommitResponse;
import io.sluice.protocol.rpc.OffsetFetchPartition;
import io.sluice.protocol.rpc.OffsetFetchRequest;
import io.sluice.protocol.rpc.OffsetFetchResponse;
import io.sluice.protocol.rpc.PartitionResult;
import io.sluice.protocol.rpc.TopicPartitions;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.Supplier;

/**
 * Commits offsets to the group's coordinator and reads committed offsets back. Each commit carries the
 * member id and epoch current when it is sent (from {@code identity}), so a member that lost its
 * partitions cannot move their offsets; {@code identity} throws {@link
 * io.sluice.client.consumer.CommitFailedException} once the member was fenced. Synchronous calls retry
 * coordinator moves, timeouts, network errors and a member epoch that moved on until their deadline;
 * asynchronous ones try once. Thread-safe.
 */
public final class OffsetCommitter {
    private final String groupId;
    private final CoordinatorLookup coordinator;
    private final Network network;
    private final Time time;
    private final int requestTimeoutMs;
    private final long retryBackoffMs;
    private final Supplier<ConsumerGroupMetadata> identity;

    public OffsetCommitter(String groupId, CoordinatorLookup coordinator, Network network,
                           Time time, int requestTimeoutMs, long retryBackoffMs,
                           Supplier<ConsumerGroupMetadata> identity) {
        this.groupId = groupId;
        this.coordinator = coordinator;
        this.network = network;
        this.time = time;
        this.requestTimeoutMs = requestTimeoutMs;
        this.retryBackoffMs = retryBackoffMs;
        this.identity = identity;
    }

    /** Commits and waits; throws a {@link SluiceException} naming the first partition that was refused. */
    public void commitSync(Map<TopicPartition, OffsetAndMetadata> offsets, long timeoutMs) {
        if (offsets.isEmpty()) {
            return;
        }
        long deadline = time.monotonicMs() + timeoutMs;
        while (true) {
            Node node = null;
            ErrorCode retriable;
            String message;
            try {
                node = coordinator.coordinator(Math.max(1, deadline - time.monotonicMs()));
                OffsetCommitRequest request = request(offsets);
                OffsetCommitResponse r = network.call(node, ApiKey.OFFSET_COMMIT, request,
                        OffsetCommitResponse.parser(), requestTimeoutMs).join();
                SluiceException failure = failure(r);
                if (failure == null) {
                    return;
                }
                if (isMembershipError(failure.code()) && !request.getMemberId().isEmpty()) {
                    // Either the member's epoch moved on while the commit was out (retried with the new one),
                    // or the member was fenced (the coordinator moved or the session expired): the heartbeat
                    // thread learns that too, and the identity supplier then throws CommitFailedException,
                    // since a commit under the identity of the rejoin could move back offsets that another
                    // member committed meanwhile.
                    if (time.monotonicMs() + retryBackoffMs >= deadline) {
                        throw failure;
                    }
                    CoordinatorLookup.sleep(retryBackoffMs);
                    continue;
                }
                if (!CoordinatorLookup.isCoordinatorError(failure.code())) {
                    throw failure;
                }
                retriable = failure.code();
                message = failure.getMessage();
            } catch (CompletionException e) {
                retriable = ErrorCode.NETWORK_EXCEPTION;
                message = NetworkClient.unwrap(e).getMessage();
            }
            coordinator.invalidate(node);
            if (time.monotonicMs() + retryBackoffMs >= deadline) {
                throw new SluiceException(retriable, "committing offsets of group '" + groupId + "' timed out after "
                        + timeoutMs + " ms: " + message);
            }
            CoordinatorLookup.sleep(retryBackoffMs);
        }
    }

    /** Commits without waiting; the future fails with a {@link SluiceException} when anything was refused. */
    public CompletableFuture<Void> commitAsync(Map<TopicPartition, OffsetAndMetadata> offsets) {
        if (offsets.isEmpty()) {
            return CompletableFuture.completedFuture(null);
        }
        Node node;
        OffsetCommitRequest request;
        try {
            node = coordinator.coordinator(requestTimeoutMs);
            request = request(offsets);
        } catch (SluiceException e) {
            return CompletableFuture.failedFuture(e);
        }
        return network.call(node, ApiKey.OFFSET_COMMIT, request, OffsetCommitResponse.parser(), requestTimeoutMs)
                .handle((r, error) -> {
                    SluiceException failure = error != null
                            ? new SluiceException(ErrorCode.NETWORK_EXCEPTION, NetworkClient.unwrap(error).getMessage())
                            : failure(r);
                    if (failure == null) {
                        return null;
                    }
                    if (CoordinatorLookup.isCoordinatorError(failure.code())) {
                        coordinator.invalidate(node);
                    }
                    throw failure;
                });
    }

    /**
     * The committed offsets of the partitions (absent: none committed), read from the coordinator once
     * every commit it accepted is settled in the quorum (Kafka's require_stable): a member that starts
     * from these offsets cannot have them moved under it by a commit that was still on its way.
     * Retries coordinator moves, network errors and unsettled commits until the deadline.
     */
    public Map<TopicPartition, OffsetAndMetadata> committed(Collection<TopicPartition> partitions, long timeoutMs) {
        Map<String, List<Integer>> byTopic = new TreeMap<>();
        partitions.forEach(tp -> byTopic.computeIfAbsent(tp.topic(), t -> new ArrayList<>()).add(tp.partition()));
        OffsetFetchRequest.Builder request = OffsetFetchRequest.newBuilder().setGroupId(groupId).setRequireStable(true);
        byTopic.forEach((t, ps) -> request.addPartitions(TopicPartitions.newBuilder().setTopic(t).addAllPartitions(ps)));
        long deadline = time.monotonicMs() + timeoutMs;
        while (true) {
            Node node = null;
            ErrorCode retriable;
            String message;
            try {
                node = coordinator.coordinator(Math.max(1, deadline - time.monotonicMs()));
                OffsetFetchResponse r = network.call(node, ApiKey.OFFSET_FETCH, request.build(),
                        OffsetFetchResponse.parser(), requestTimeoutMs).join();
                if (r.getError() == ErrorCode.NONE) {
                    Map<TopicPartition, OffsetAndMetadata> out = new HashMap<>();
                    for (OffsetFetchPartition p : r.getPartitionsList()) {
                        if (p.getOffset() >= 0) {
                            out.put(new TopicPartition(p.getTopic(), p.getPartition()),
                                    new OffsetAndMetadata(p.getOffset(), p.getMetadata()));
                        }
                    }
                    return out;
                }
                if (r.getError() != ErrorCode.UNSTABLE_OFFSET_COMMIT && !CoordinatorLookup.isCoordinatorError(r.getError())) {
                    throw new SluiceException(r.getError(), "reading the committed offsets of group '" + groupId
                            + "' failed: " + Errors.describe(r.getError(), r.getErrorMessage()));
                }
                retriable = r.getError();
                message = Errors.describe(r.getError(), r.getErrorMessage());
            } catch (CompletionException e) {
                retriable = ErrorCode.NETWORK_EXCEPTION;
                message = NetworkClient.unwrap(e).getMessage();
            }
            if (retriable != ErrorCode.UNSTABLE_OFFSET_COMMIT) {
                coordinator.invalidate(node);
            }
            if (time.monotonicMs() + retryBackoffMs >= deadline) {
                throw new SluiceException(retriable == ErrorCode.UNSTABLE_OFFSET_COMMIT ? retriable
                        : ErrorCode.REQUEST_TIMED_OUT, "reading the committed offsets of group '" + groupId
                        + "' timed out after " + timeoutMs + " ms: " + message);
            }
            CoordinatorLookup.sleep(retryBackoffMs);
        }
    }

    private OffsetCommitRequest request(Map<TopicPartition, OffsetAndMetadata> offsets) {
        ConsumerGroupMetadata who = identity.get();
        OffsetCommitRequest.Builder b = OffsetCommitRequest.newBuilder().setGroupId(groupId)
                .setMemberId(who.memberId()).setMemberEpoch(who.memberId().isEmpty() ? -1 : who.generationId());
        offsets.forEach((tp, o) -> b.addPartitions(OffsetCommitPartition.newBuilder().setTopic(tp.topic())
                .setPartition(tp.partition()).setOffset(o.offset()).setMetadata(o.metadata())));
        return b.build();
    }

    private static boolean isMembershipError(ErrorCode code) {
        return code == ErrorCode.UNKNOWN_MEMBER_ID || code == ErrorCode.ILLEGAL_GENERATION;
    }

    /** The first error of the response, whole-request or per partition; null when everything was committed. */
    private SluiceException failure(OffsetCommitResponse r) {
        if (r.getError() != ErrorCode.NONE) {
            return new SluiceException(r.getError(), "commit to group '" + groupId + "' refused: "
                    + Errors.describe(r.getError(), r.getErrorMessage()));
        }
        for (PartitionResult p : r.getPartitionsList()) {
            if (p.getError() != ErrorCode.NONE) {
                return new SluiceException(p.getError(), "commit of " + p.getTopic() + "-" + p.getPartition()
                        + " to group '" + groupId + "' refused: " + Errors.describe(p.getError(), p.getErrorMessage()));
            }
        }
        return null;
    }
}
