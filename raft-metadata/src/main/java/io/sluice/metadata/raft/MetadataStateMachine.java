package io.sluice.metadata.raft;

import com.google.protobuf.InvalidProtocolBufferException;
import io.sluice.metadata.controller.ControllerResult;
import io.sluice.metadata.controller.MetadataController;
import io.sluice.metadata.image.MetadataDelta;
import io.sluice.metadata.image.MetadataImage;
import io.sluice.protocol.ErrorCode;
import io.sluice.protocol.metadata.MetadataCommand;
import io.sluice.protocol.metadata.MetadataCommandResult;
import org.apache.ratis.proto.RaftProtos.LogEntryProto;
import org.apache.ratis.protocol.Message;
import org.apache.ratis.protocol.RaftClientRequest;
import org.apache.ratis.protocol.RaftGroupId;
import org.apache.ratis.protocol.RaftGroupMemberId;
import org.apache.ratis.protocol.RaftPeerId;
import org.apache.ratis.server.RaftServer;
import org.apache.ratis.server.protocol.TermIndex;
import org.apache.ratis.server.storage.FileInfo;
import org.apache.ratis.server.storage.RaftStorage;
import org.apache.ratis.statemachine.StateMachineStorage;
import org.apache.ratis.statemachine.TransactionContext;
import org.apache.ratis.statemachine.impl.BaseStateMachine;
import org.apache.ratis.statemachine.impl.SimpleStateMachineStorage;
import org.apache.ratis.statemachine.impl.SingleFileSnapshotInfo;
import org.apache.ratis.thirdparty.com.google.protobuf.ByteString;
import org.apache.ratis.util.LifeCycle;
import org.apache.ratis.util.MD5FileUtil;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.File;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BiConsumer;

/**
 * The Ratis state machine of the metadata quorum, kept thin: each log entry is a
 * {@link MetadataCommand}; {@link MetadataController} turns it into records against the current
 * image, a {@link MetadataDelta} folds them into the next image, and the command's result is the
 * Raft reply. Apply never throws (an exception here would stop the Ratis server): a refused or even
 * unreadable command becomes an error result.
 *
 * <p>Threading: Ratis calls apply, {@code notifyTermIndexUpdated} and snapshot creation on its single
 * state machine updater thread. The image is published through a volatile field (lock-free reads);
 * the small lock only keeps the image and the applied index consistent for a snapshot taken from
 * another thread.
 */
public final class MetadataStateMachine extends BaseStateMachine {

    private static final Logger LOG = LoggerFactory.getLogger(MetadataStateMachine.class);

    private final SimpleStateMachineStorage storage = new SimpleStateMachineStorage();
    private final BiConsumer<MetadataDelta, MetadataImage> onApply;
    private final AppliedIndexWaiters waiters = new AppliedIndexWaiters();
    private final Object lock = new Object();
    private volatile MetadataImage image = MetadataImage.EMPTY;
    private final AtomicLong snapshotsInstalled = new AtomicLong();

    /**
     * @param onApply called on the apply thread after every change of the image, with the delta and
     *                the new image (also after a snapshot load, with a delta from the empty image)
     */
    public MetadataStateMachine(BiConsumer<MetadataDelta, MetadataImage> onApply) {
        this.onApply = onApply;
    }

    public MetadataImage image() {
        return image;
    }

    public long appliedIndex() {
        TermIndex applied = getLastAppliedTermIndex();
        return applied == null ? 0 : applied.getIndex();
    }

    /** How many times this node, lagging behind the leader's purged log, had a snapshot installed. */
    public long snapshotsInstalled() {
        return snapshotsInstalled.get();
    }

    /** Completes once this node has applied the log up to {@code index}. */
    public CompletableFuture<Void> awaitApplied(long index) {
        return waiters.await(index, appliedIndex());
    }

    @Override
    public void initialize(RaftServer server, RaftGroupId groupId, RaftStorage raftStorage) throws IOException {
        super.initialize(server, groupId, raftStorage);
        getLifeCycle().startAndTransition(() -> {
            storage.init(raftStorage);
            load(storage.getLatestSnapshot());
        });
    }

    /**
     * Ratis pauses the state machine before it installs a snapshot sent by the leader, and checks that
     * it is paused before calling {@link #reinitialize}; BaseStateMachine's own pause does nothing.
     */
    @Override
    public void pause() {
        getLifeCycle().transition(LifeCycle.State.PAUSING);
        getLifeCycle().transition(LifeCycle.State.PAUSED);
    }

    /** Called by Ratis after it installed a snapshot from the leader (this node lagged behind a purged log). */
    @Override
    public void reinitialize() throws IOException {
        SingleFileSnapshotInfo snapshot = storage.loadLatestSnapshot();
        LOG.info("{}: installed a metadata snapshot from the leader: {}", getId(), snapshot);
        load(snapshot);
        snapshotsInstalled.incrementAndGet();
        if (getLifeCycleState() == LifeCycle.State.PAUSED) {
            getLifeCycle().transition(LifeCycle.State.STARTING);
            getLifeCycle().transition(LifeCycle.State.RUNNING);
        }
    }

    private void load(SingleFileSnapshotInfo snapshot) throws IOException {
        if (snapshot == null) {
            return;
        }
        File file = snapshot.getFile().getPath().toFile();
        MetadataImage loaded = SnapshotFormat.read(file.toPath());
        if (snapshot.getFile().getFileDigest() != null) {
            try {
                MD5FileUtil.verifySavedMD5(file, snapshot.getFile().getFileDigest());
            } catch (IOException e) {
                throw SnapshotFormat.corrupt(file.toPath(), "its MD5 digest does not match");
            }
        }
        MetadataDelta delta = new MetadataDelta(MetadataImage.EMPTY);
        loaded.toRecords().forEach(delta::replay);
        synchronized (lock) {
            image = loaded;
            setLastAppliedTermIndex(snapshot.getTermIndex());
        }
        LOG.info("{}: loaded metadata snapshot at index {} ({} brokers, {} topics)", getId(),
                snapshot.getIndex(), loaded.cluster().brokers().size(), loaded.topics().byId().size());
        publish(delta, loaded);
        // An installed snapshot may jump past indexes that linearizable reads are waiting for.
        waiters.completeUpTo(snapshot.getIndex());
    }

    /** Refuses bytes that are not a metadata command before they reach the log. */
    @Override
    public TransactionContext startTransaction(RaftClientRequest request) throws IOException {
        try {
            MetadataCommand.parseFrom(request.getMessage().getContent().toByteArray());
        } catch (InvalidProtocolBufferException e) {
            throw new IOException("Not a metadata command: " + e.getMessage(), e);
        }
        return super.startTransaction(request);
    }

    @Override
    public CompletableFuture<Message> applyTransaction(TransactionContext trx) {
        LogEntryProto entry = trx.getLogEntry();
        long index = entry.getIndex();
        long term = entry.getTerm();
        MetadataCommandResult result;
        try {
            MetadataCommand command = MetadataCommand.parseFrom(
                    entry.getStateMachineLogEntry().getLogData().toByteArray());
            result = apply(command, index, term);
        } catch (InvalidProtocolBufferException e) {
            result = ControllerResult.errorResult(ErrorCode.CORRUPT_MESSAGE, "Log entry " + index
                    + " is not a metadata command and was skipped: " + e.getMessage());
            advance(term, index);
        } catch (RuntimeException e) {
            // A bug, and deterministic: every node skips this entry the same way, the image stays as it was.
            LOG.error("{}: applying log entry {} failed; the entry changes nothing", getId(), index, e);
            result = ControllerResult.errorResult(ErrorCode.UNKNOWN_SERVER_ERROR,
                    "The metadata command at index " + index + " failed: " + e);
            advance(term, index);
        }
        return CompletableFuture.completedFuture(Message.valueOf(ByteString.copyFrom(result.toByteArray())));
    }

    private MetadataCommandResult apply(MetadataCommand command, long index, long term) {
        MetadataImage current = image;
        ControllerResult result = MetadataController.execute(current, command, index, term);
        if (command.hasCommitOffsets() && result.result().getError() != ErrorCode.NONE) {
            // Rare and worth seeing: a coordinator's commit that arrived after a later one of its own.
            LOG.info("{}: offset commit at index {} refused: {}", getId(), index, result.result().getErrorMessage());
        }
        MetadataDelta delta = new MetadataDelta(current);
        result.records().forEach(delta::replay);
        MetadataImage next = delta.apply(index, term);
        synchronized (lock) {
            image = next;
            updateLastAppliedTermIndex(term, index);
        }
        publish(delta, next);
        waiters.completeUpTo(index);
        return result.result();
    }

    private void advance(long term, long index) {
        synchronized (lock) {
            updateLastAppliedTermIndex(term, index);
        }
        waiters.completeUpTo(index);
    }

    /** Configuration and leader no-op entries: nothing to apply, but the applied index moves. */
    @Override
    public void notifyTermIndexUpdated(long term, long index) {
        advance(term, index);
    }

    private void publish(MetadataDelta delta, MetadataImage newImage) {
        try {
            onApply.accept(delta, newImage);
        } catch (RuntimeException e) {
            LOG.error("{}: a metadata publisher failed at index {}", getId(), newImage.index(), e);
        }
    }

    /** A linearizable read reaches here once the applied index covers the read index: answer it. */
    @Override
    public CompletableFuture<Message> query(Message request) {
        byte[] index = ByteBuffer.allocate(Long.BYTES).putLong(appliedIndex()).array();
        return CompletableFuture.completedFuture(Message.valueOf(ByteString.copyFrom(index)));
    }

    static long decodeIndex(Message reply) {
        return ByteBuffer.wrap(reply.getContent().toByteArray()).getLong();
    }

    @Override
    public long takeSnapshot() throws IOException {
        MetadataImage snapshotImage;
        TermIndex applied;
        synchronized (lock) {
            snapshotImage = image;
            applied = getLastAppliedTermIndex();
        }
        if (applied == null || applied.getIndex() <= 0) {
            return -1;
        }
        File file = storage.getSnapshotFile(applied.getTerm(), applied.getIndex());
        int records = SnapshotFormat.write(snapshotImage, file.toPath());
        FileInfo info = new FileInfo(file.toPath(), MD5FileUtil.computeAndSaveMd5ForFile(file));
        storage.updateLatestSnapshot(new SingleFileSnapshotInfo(info, applied));
        LOG.info("{}: wrote metadata snapshot at index {} ({} records)", getId(), applied.getIndex(), records);
        return applied.getIndex();
    }

    @Override
    public StateMachineStorage getStateMachineStorage() {
        return storage;
    }

    @Override
    public void notifyLeaderChanged(RaftGroupMemberId groupMemberId, RaftPeerId newLeaderId) {
        LOG.info("{}: metadata quorum leader is now {}", groupMemberId.getPeerId(), newLeaderId);
    }

    @Override
    public void close() throws IOException {
        waiters.failAll(new IOException("The metadata node is closed"));
        super.close();
    }
}
