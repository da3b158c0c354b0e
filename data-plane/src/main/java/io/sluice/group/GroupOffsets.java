package io.sluice.group;

import io.sluice.metadata.CommandResult;
import io.sluice.metadata.MetadataNode;
import io.sluice.metadata.image.CommittedOffset;
import io.sluice.metadata.image.MetadataImage;
import io.sluice.metadata.image.TopicImage;
import io.sluice.protocol.TopicPartition;
import io.sluice.protocol.ErrorCode;
import io.sluice.protocol.SluiceException;
import io.sluice.protocol.metadata.DeleteGroupOffsetsCommand;
import io.sluice.protocol.metadata.MetadataCommand;
import io.sluice.protocol.metadata.OffsetCommit;
import io.sluice.protocol.metadata.PartitionOutcome;
import io.sluice.protocol.metadata.TopicPartitionRef;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Committed offsets of every group, for both protocols, in plain Java types: commits that passed the
 * group's checks go through the {@link OffsetCommitBatcher} (coalesced, fenced by coordinator and
 * sequence), reads are linearizable reads of the metadata image, and a member's read with {@code
 * requireStable} first waits for this coordinator's commits to settle (see docs/groups.md). Thread-safe.
 */
public final class GroupOffsets {
    /** How long a stable offset fetch waits for commits to settle before answering UNSTABLE_OFFSET_COMMIT. */
    private static final int STABLE_WAIT_MS = 5_000;
    /** Kafka's offset.metadata.max.bytes default: the metadata string travels in every Raft entry. */
    static final int MAX_METADATA_CHARS = 4096;
    private final MetadataNode metadata;
    private final GroupCoordinator coordinator;
    private final OffsetCommitBatcher commits;

    /** One offset to commit. */
    public record Commit(TopicPartition partition, long offset, String metadata) {
    }

    /** The outcome of one offset commit: {@code NONE} once the quorum applied it. */
    public record Outcome(TopicPartition partition, ErrorCode error, String message) {
    }

    GroupOffsets(MetadataNode metadata, GroupCoordinator coordinator, OffsetCommitBatcher commits) {
        this.metadata = metadata;
        this.coordinator = coordinator;
        this.commits = commits;
    }

    /**
     * Writes the offsets that passed the checks through the batcher; partitions refused by the group
     * (with why), or unknown in this node's image, get their error without reaching the quorum. The
     * quorum applies them only if this node has coordinated the group without a break since {@code
     * coordinatedSince}. Outcomes come in the order of {@code offsets}.
     */
    public CompletableFuture<List<Outcome>> commit(String group, List<Commit> offsets, Map<TopicPartition, String> refused,
                                                   long coordinatedSince) {
        MetadataImage image = metadata.image();
        List<CompletableFuture<Outcome>> results = new ArrayList<>();
        List<OffsetCommit> accepted = new ArrayList<>();
        List<Integer> acceptedIndex = new ArrayList<>();
        for (Commit c : offsets) {
            TopicPartition tp = c.partition();
            TopicImage topic = image.topics().topic(tp.topic());
            if (topic == null || topic.partition(tp.partition()) == null) {
                results.add(CompletableFuture.completedFuture(new Outcome(tp, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION,
                        "partition " + tp + " does not exist; its offset was not committed")));
            } else if (c.metadata() != null && c.metadata().length() > MAX_METADATA_CHARS) {
                results.add(CompletableFuture.completedFuture(new Outcome(tp, ErrorCode.OFFSET_METADATA_TOO_LARGE,
                        "the metadata of the offset of " + tp + " has " + c.metadata().length() + " characters, more"
                                + " than " + MAX_METADATA_CHARS + "; it was not committed")));
            } else if (refused.containsKey(tp)) {
                results.add(CompletableFuture.completedFuture(new Outcome(tp, ErrorCode.ILLEGAL_GENERATION,
                        refused.get(tp))));
            } else {
                accepted.add(OffsetCommit.newBuilder().setGroup(group).setTopic(tp.topic())
                        .setPartition(tp.partition()).setOffset(c.offset())
                        .setMetadata(c.metadata() == null ? "" : c.metadata())
                        .setCoordinatedSince(coordinatedSince).build());
                acceptedIndex.add(results.size());
                results.add(null);
            }
        }
        List<CompletableFuture<PartitionOutcome>> outcomes = commits.commit(accepted);
        for (int i = 0; i < outcomes.size(); i++) {
            results.set(acceptedIndex.get(i), outcomes.get(i).thenApply(o -> new Outcome(
                    new TopicPartition(o.getTopic(), o.getPartition()), o.getError(), o.getErrorMessage())));
        }
        return CompletableFuture.allOf(results.toArray(new CompletableFuture<?>[0]))
                .thenApply(v -> results.stream().map(CompletableFuture::join).toList());
    }

    /**
     * The group's committed offsets. Without {@code requireStable}, a linearizable read (a commit
     * acknowledged by any coordinator before this call is seen), from any node. With it (a member about
     * to start from them, at the coordinator): first every commit this coordinator accepted settles (a
     * timed-out one could otherwise still be applied after the read), then the read, answered only if
     * this node still coordinates the group in what it read. Fails with a {@link SluiceException}.
     */
    public CompletableFuture<SortedMap<TopicPartition, CommittedOffset>> fetch(String group, boolean requireStable) {
        try {
            if (requireStable) {
                coordinator.checkCoordinator(group);
            } else {
                GroupCoordinator.checkGroupId(group);
            }
        } catch (SluiceException e) {
            return CompletableFuture.failedFuture(e);
        }
        if (!requireStable) {
            return metadata.readLinearizable().thenApply(image -> image.groupOffsets().offsets(group));
        }
        CompletableFuture<Boolean> settled = commits.settled().orTimeout(STABLE_WAIT_MS, TimeUnit.MILLISECONDS)
                .handle((v, timedOut) -> timedOut == null);
        return settled.thenCompose(stable -> {
            if (!stable) {
                throw new SluiceException(ErrorCode.UNSTABLE_OFFSET_COMMIT, "commits to group '" + group
                        + "' are not settled in the metadata quorum yet; retry");
            }
            return metadata.readLinearizable().thenApply(image -> {
                coordinator.checkCoordinator(group);
                return image.groupOffsets().offsets(group);
            });
        });
    }

    /** Deletes the named partitions' committed offsets of {@code group}, or all of them when none are named. */
    public CompletableFuture<CommandResult> delete(String group, Collection<TopicPartition> partitions) {
        DeleteGroupOffsetsCommand.Builder delete = DeleteGroupOffsetsCommand.newBuilder().setGroup(group);
        partitions.forEach(tp -> delete.addPartitions(TopicPartitionRef.newBuilder().setTopic(tp.topic())
                .setPartition(tp.partition())));
        return metadata.submit(MetadataCommand.newBuilder().setDeleteGroupOffsets(delete).build());
    }

    /** The offsets in this node's image (no quorum read), for views that may lag (lists, lag). */
    public SortedMap<TopicPartition, CommittedOffset> local(String group) {
        return metadata.image().groupOffsets().offsets(group);
    }
}
