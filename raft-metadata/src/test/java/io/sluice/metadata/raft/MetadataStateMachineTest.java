package io.sluice.metadata.raft;

import io.sluice.metadata.image.MetadataDelta;
import io.sluice.metadata.image.MetadataImage;
import io.sluice.protocol.ErrorCode;
import io.sluice.protocol.metadata.AllocateProducerIdsCommand;
import io.sluice.protocol.metadata.InitializeClusterCommand;
import io.sluice.protocol.metadata.MetadataCommand;
import io.sluice.protocol.metadata.MetadataCommandResult;
import org.apache.ratis.proto.RaftProtos.LogEntryProto;
import org.apache.ratis.proto.RaftProtos.RaftPeerRole;
import org.apache.ratis.proto.RaftProtos.StateMachineLogEntryProto;
import org.apache.ratis.protocol.Message;
import org.apache.ratis.statemachine.TransactionContext;
import org.apache.ratis.thirdparty.com.google.protobuf.ByteString;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The state machine's apply path without a Ratis server: entries in, image and replies out. */
@Timeout(10)
class MetadataStateMachineTest {

    private final List<MetadataImage> published = new ArrayList<>();
    private final List<MetadataDelta> deltas = new ArrayList<>();
    private final MetadataStateMachine stateMachine = new MetadataStateMachine((delta, image) -> {
        deltas.add(delta);
        published.add(image);
    });

    @Test
    void appliesACommandPublishesTheImageAndRepliesWithTheResult() throws Exception {
        CompletableFuture<Void> waiting = stateMachine.awaitApplied(2);
        MetadataCommandResult init = apply(1, 1, MetadataCommand.newBuilder().setInitializeCluster(
                InitializeClusterCommand.newBuilder().setClusterId("c")).build().toByteArray());
        assertEquals(ErrorCode.NONE, init.getError());
        assertFalse(waiting.isDone());

        MetadataCommandResult pids = apply(1, 2, MetadataCommand.newBuilder().setAllocateProducerIds(
                AllocateProducerIdsCommand.newBuilder().setBlockSize(10)).build().toByteArray());

        assertEquals(10, pids.getProducerIdCount());
        assertTrue(waiting.isDone());
        assertEquals(2, stateMachine.appliedIndex());
        MetadataImage image = stateMachine.image();
        assertEquals("c", image.clusterId());
        assertEquals(10, image.nextProducerId());
        assertEquals(2, image.index());
        assertSame(image, published.get(1));
        assertSame(published.get(0), deltas.get(1).base());
    }

    @Test
    void unreadableEntryIsAnsweredNotThrownAndChangesNothing() throws Exception {
        MetadataCommandResult result = apply(1, 1, new byte[] {(byte) 0xff, (byte) 0xff, 0x01});
        assertEquals(ErrorCode.CORRUPT_MESSAGE, result.getError());
        assertTrue(result.getErrorMessage().contains("Log entry 1"), result.getErrorMessage());
        assertEquals(1, stateMachine.appliedIndex());
        assertSame(MetadataImage.EMPTY, stateMachine.image());
        assertTrue(published.isEmpty());
    }

    @Test
    void configurationAndNoOpEntriesMoveTheAppliedIndexOnly() {
        CompletableFuture<Void> waiting = stateMachine.awaitApplied(3);
        stateMachine.notifyTermIndexUpdated(2, 3);
        assertTrue(waiting.isDone());
        assertEquals(3, stateMachine.appliedIndex());
        assertSame(MetadataImage.EMPTY, stateMachine.image());
    }

    private MetadataCommandResult apply(long term, long index, byte[] data) throws Exception {
        LogEntryProto entry = LogEntryProto.newBuilder().setTerm(term).setIndex(index)
                .setStateMachineLogEntry(StateMachineLogEntryProto.newBuilder().setLogData(ByteString.copyFrom(data)))
                .build();
        TransactionContext trx = TransactionContext.newBuilder().setStateMachine(stateMachine)
                .setServerRole(RaftPeerRole.FOLLOWER).setLogEntry(entry).build();
        Message reply = stateMachine.applyTransaction(trx).get();
        return MetadataCommandResult.parseFrom(reply.getContent().toByteArray());
    }
}
