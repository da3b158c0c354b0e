package io.sluice.replication;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sluice.metadata.CommandResult;
import io.sluice.protocol.ErrorCode;
import io.sluice.protocol.TopicPartition;
import io.sluice.protocol.metadata.MetadataCommand;
import io.sluice.protocol.metadata.MetadataCommandResult;
import io.sluice.protocol.metadata.PartitionChangeRequest;
import io.sluice.protocol.metadata.PartitionOutcome;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(10)
class IsrChangeBatcherTest {
    private static final TopicPartition T0 = new TopicPartition("t", 0);
    private static final TopicPartition T1 = new TopicPartition("t", 1);

    private final List<MetadataCommand> sent = new ArrayList<>();
    private final List<CompletableFuture<CommandResult>> answers = new ArrayList<>();
    private final List<PartitionChangeRequest> refused = new ArrayList<>();
    private final List<Runnable> retries = new ArrayList<>();
    private final IsrChangeBatcher batcher = new IsrChangeBatcher(1, command -> {
        sent.add(command);
        CompletableFuture<CommandResult> answer = new CompletableFuture<>();
        answers.add(answer);
        return answer;
    }, refused::add, retries::add);

    @Test
    void wishesMadeWhileOneIsInFlightGoTogetherInTheNext() {
        batcher.request(T0, 1, List.of(1, 2), 3);
        batcher.request(T1, 1, List.of(1), 4);
        batcher.request(T0, 1, List.of(1, 2, 3), 3);
        assertEquals(1, sent.size(), "one command in flight at a time");
        answers.get(0).complete(ok());
        assertEquals(2, sent.size());
        List<PartitionChangeRequest> changes = sent.get(1).getAlterPartitions().getChangesList();
        assertEquals(List.of(List.of(1), List.of(1, 2, 3)), changes.stream().map(c -> c.getIsrList()).toList(),
                "the latest wish per partition");
    }

    @Test
    void aRefusedChangeIsReportedWithTheRequestItRefused() {
        batcher.request(T0, 1, List.of(1, 2), 3);
        batcher.request(T1, 1, List.of(1), 4);
        answers.get(0).complete(ok());
        answers.get(1).complete(CommandResult.of(MetadataCommandResult.newBuilder().setError(ErrorCode.NONE)
                .addPartitions(outcome(T1, ErrorCode.INVALID_REQUEST)).build()));
        assertEquals(1, refused.size());
        assertEquals(List.of(1), refused.get(0).getIsrList());
        assertEquals(4, refused.get(0).getPartitionEpoch());
        assertTrue(retries.isEmpty(), "a refusal is an answer: nothing is sent again");
    }

    @Test
    void aChangeWhoseOutcomeIsUnknownIsSentAgainNotReportedRefused() {
        batcher.request(T0, 1, List.of(1, 2), 3);
        answers.get(0).completeExceptionally(new TimeoutException("no answer from the quorum"));
        assertTrue(refused.isEmpty(), "the entry may still commit: the leader must keep counting follower 2");
        assertEquals(1, retries.size());
        retries.get(0).run();
        assertEquals(2, sent.size());
        assertEquals(sent.get(0).getAlterPartitions().getChangesList(), sent.get(1).getAlterPartitions().getChangesList());
    }

    private static CommandResult ok() {
        return CommandResult.of(MetadataCommandResult.newBuilder().setError(ErrorCode.NONE).build());
    }

    private static PartitionOutcome outcome(TopicPartition tp, ErrorCode error) {
        return PartitionOutcome.newBuilder().setTopic(tp.topic()).setPartition(tp.partition()).setError(error).build();
    }
}
