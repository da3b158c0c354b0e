package io.sluice.group;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sluice.metadata.CommandResult;
import io.sluice.protocol.ErrorCode;
import io.sluice.protocol.metadata.MetadataCommand;
import io.sluice.protocol.metadata.MetadataCommandResult;
import io.sluice.protocol.metadata.OffsetCommit;
import io.sluice.protocol.metadata.PartitionOutcome;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(10)
class OffsetCommitBatcherTest {
    private final List<MetadataCommand> sent = new ArrayList<>();
    private final List<CompletableFuture<CommandResult>> replies = new ArrayList<>();
    /** Fences the batcher put off after a failed command; the test runs them. */
    private final List<Runnable> delayed = new ArrayList<>();
    private final OffsetCommitBatcher batcher = new OffsetCommitBatcher(command -> {
        sent.add(command);
        CompletableFuture<CommandResult> reply = new CompletableFuture<>();
        replies.add(reply);
        return reply;
    }, () -> 1234L, 3, 7, delayed::add);

    {
        batcher.setBrokerEpoch(40);
    }

    private static OffsetCommit commit(String group, int partition, long offset) {
        return OffsetCommit.newBuilder().setGroup(group).setTopic("t").setPartition(partition).setOffset(offset).build();
    }

    /** Answers a command as apply would: one outcome per offset, the given error for partition 9. */
    private static CommandResult applied(MetadataCommand command) {
        MetadataCommandResult.Builder result = MetadataCommandResult.newBuilder();
        for (OffsetCommit c : command.getCommitOffsets().getOffsetsList()) {
            result.addPartitions(PartitionOutcome.newBuilder().setGroup(c.getGroup()).setTopic(c.getTopic())
                    .setPartition(c.getPartition())
                    .setError(c.getPartition() == 9 ? ErrorCode.UNKNOWN_TOPIC_OR_PARTITION : ErrorCode.NONE));
        }
        return CommandResult.of(result.build());
    }

    @Test
    void commitsWaitingBehindTheCommandInFlightGoTogether() {
        List<CompletableFuture<PartitionOutcome>> first = batcher.commit(List.of(commit("a", 0, 5)));
        assertEquals(1, sent.size());
        assertEquals(7, sent.get(0).getCommitOffsets().getCoordinatorId(), "the quorum checks who commits");
        List<CompletableFuture<PartitionOutcome>> queued = new ArrayList<>();
        queued.addAll(batcher.commit(List.of(commit("a", 1, 7))));
        queued.addAll(batcher.commit(List.of(commit("b", 0, 1), commit("b", 9, 1))));
        assertEquals(1, sent.size(), "one command in flight at a time");
        assertFalse(first.get(0).isDone());

        replies.get(0).complete(applied(sent.get(0)));
        assertEquals(ErrorCode.NONE, first.get(0).join().getError());
        assertEquals(2, sent.size());
        assertEquals(3, sent.get(1).getCommitOffsets().getOffsetsCount(), "three commits, one Raft entry");
        assertEquals(1234L, sent.get(1).getTimestampMs());

        replies.get(1).complete(applied(sent.get(1)));
        assertEquals(ErrorCode.NONE, queued.get(0).join().getError());
        assertEquals(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, queued.get(2).join().getError());
        assertEquals(2, batcher.commandsSent());
    }

    @Test
    void aPartitionCommittedAgainWhileQueuedTravelsOnceWithItsLatestOffset() {
        batcher.commit(List.of(commit("a", 0, 1)));
        List<CompletableFuture<PartitionOutcome>> older = batcher.commit(List.of(commit("a", 1, 10)));
        List<CompletableFuture<PartitionOutcome>> newer = batcher.commit(List.of(commit("a", 1, 20), commit("b", 1, 5)));
        replies.get(0).complete(applied(sent.get(0)));
        List<OffsetCommit> second = sent.get(1).getCommitOffsets().getOffsetsList();
        assertEquals(List.of(commit("a", 1, 20), commit("b", 1, 5)), second);
        replies.get(1).complete(applied(sent.get(1)));
        assertEquals(ErrorCode.NONE, older.get(0).join().getError(), "the superseded caller hears the outcome too");
        assertEquals(ErrorCode.NONE, newer.get(0).join().getError());
    }

    @Test
    void aCommandCarriesAtMostTheConfiguredNumberOfOffsets() {
        batcher.commit(List.of(commit("a", 0, 1)));
        batcher.commit(List.of(commit("a", 1, 1), commit("a", 2, 1), commit("a", 3, 1), commit("a", 4, 1)));
        replies.get(0).complete(applied(sent.get(0)));
        assertEquals(3, sent.get(1).getCommitOffsets().getOffsetsCount());
        replies.get(1).complete(applied(sent.get(1)));
        assertEquals(1, sent.get(2).getCommitOffsets().getOffsetsCount());
    }

    @Test
    void aQuorumFailureFailsTheBatchRetriablyAndTheNextOneStillGoes() {
        List<CompletableFuture<PartitionOutcome>> first = batcher.commit(List.of(commit("a", 0, 1)));
        List<CompletableFuture<PartitionOutcome>> second = batcher.commit(List.of(commit("a", 1, 1)));
        replies.get(0).complete(CommandResult.error(ErrorCode.REQUEST_TIMED_OUT, "no quorum"));
        assertEquals(ErrorCode.REQUEST_TIMED_OUT, first.get(0).join().getError());
        assertTrue(first.get(0).join().getErrorMessage().contains("no quorum"));
        replies.get(1).completeExceptionally(new IllegalStateException("closed"));
        assertEquals(ErrorCode.REQUEST_TIMED_OUT, second.get(0).join().getError());
    }

    @Test
    void commandsAreNumberedInTheBrokerEpochSoTheQuorumCanRefuseALateOne() {
        batcher.commit(List.of(commit("a", 0, 1)));
        batcher.commit(List.of(commit("a", 1, 1)));
        replies.get(0).complete(CommandResult.error(ErrorCode.REQUEST_TIMED_OUT, "no quorum"));
        assertEquals(40, sent.get(0).getCommitOffsets().getCoordinatorEpoch());
        assertEquals(List.of(1L, 2L), sent.stream().map(c -> c.getCommitOffsets().getSequence()).toList());
    }

    @Test
    void settledWaitsUntilACommandAtLeastAsNewAsTheQueuedCommitsIsApplied() {
        batcher.commit(List.of(commit("a", 0, 1)));
        batcher.commit(List.of(commit("a", 1, 1), commit("a", 2, 1), commit("a", 3, 1), commit("a", 4, 1)));
        CompletableFuture<Void> settled = batcher.settled();
        replies.get(0).complete(applied(sent.get(0)));
        assertFalse(settled.isDone(), "four queued commits take commands 2 and 3");
        replies.get(1).complete(applied(sent.get(1)));
        assertFalse(settled.isDone());
        replies.get(2).complete(applied(sent.get(2)));
        assertTrue(settled.isDone());
        assertEquals(3, sent.size(), "no fence needed: the last command was applied");
        assertTrue(batcher.settled().isDone(), "idle after an applied command: settled at once");
    }

    @Test
    void aCommandWithAnUnknownOutcomeIsSettledByAnEmptyCommandAfterIt() {
        List<CompletableFuture<PartitionOutcome>> lost = batcher.commit(List.of(commit("a", 0, 5)));
        CompletableFuture<Void> settled = batcher.settled();
        replies.get(0).completeExceptionally(new IllegalStateException("timed out"));
        assertEquals(ErrorCode.REQUEST_TIMED_OUT, lost.get(0).join().getError(), "the caller hears its commit failed");
        assertFalse(settled.isDone(), "but the timed-out command may still be applied later");

        assertEquals(1, sent.size(), "the fence waits a moment: the quorum just failed");
        runDelayed();
        assertEquals(2, sent.size());
        assertEquals(0, sent.get(1).getCommitOffsets().getOffsetsCount());
        assertEquals(2, sent.get(1).getCommitOffsets().getSequence());
        replies.get(1).completeExceptionally(new IllegalStateException("timed out again"));
        runDelayed();
        assertEquals(3, sent.size(), "the fence is sent again");
        assertFalse(settled.isDone());
        replies.get(2).complete(applied(sent.get(2)));
        assertTrue(settled.isDone(), "applying command 3 makes the quorum refuse commands 1 and 2 from now on");
    }

    @Test
    void beforeItsFirstCommandAppliedANodeIsNotSettled() {
        CompletableFuture<Void> settled = batcher.settled();
        assertEquals(1, sent.size(), "an earlier process of this node may have left a command in the quorum");
        assertEquals(0, sent.get(0).getCommitOffsets().getOffsetsCount());
        replies.get(0).complete(applied(sent.get(0)));
        assertTrue(settled.isDone());
    }

    @Test
    void aCallerThatStopsWaitingStopsTheFencing() {
        batcher.settled().orTimeout(1, java.util.concurrent.TimeUnit.MILLISECONDS).exceptionally(e -> null).join();
        replies.get(0).completeExceptionally(new IllegalStateException("timed out"));
        runDelayed();
        assertEquals(1, sent.size(), "nobody waits, so no fence follows");
        batcher.settled();
        assertEquals(2, sent.size(), "until someone asks again");
    }

    private void runDelayed() {
        List<Runnable> due = new ArrayList<>(delayed);
        delayed.clear();
        due.forEach(Runnable::run);
    }

    @Test
    void untilTheNodeIsRegisteredCommitsAreRefusedRetriablyAndSettledWaits() {
        OffsetCommitBatcher restarted = new OffsetCommitBatcher(command -> {
            sent.add(command);
            CompletableFuture<CommandResult> reply = new CompletableFuture<>();
            replies.add(reply);
            return reply;
        }, () -> 1L, 3, 7, delayed::add);
        PartitionOutcome refused = restarted.commit(List.of(commit("a", 0, 5))).get(0).join();
        assertEquals(ErrorCode.COORDINATOR_LOAD_IN_PROGRESS, refused.getError());
        CompletableFuture<Void> settled = restarted.settled();
        assertEquals(0, sent.size(), "nothing goes to the quorum without the broker epoch");

        restarted.setBrokerEpoch(52);
        assertEquals(1, sent.size(), "registered: the fence goes");
        assertEquals(52, sent.get(0).getCommitOffsets().getCoordinatorEpoch());
        replies.get(0).complete(applied(sent.get(0)));
        assertTrue(settled.isDone());
    }
}
