package io.sluice.group;

import io.sluice.metadata.CommandResult;
import io.sluice.protocol.ErrorCode;
import io.sluice.protocol.metadata.CommitOffsetsCommand;
import io.sluice.protocol.metadata.MetadataCommand;
import io.sluice.protocol.metadata.OffsetCommit;
import io.sluice.protocol.metadata.PartitionOutcome;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;
import java.util.function.LongSupplier;

/**
 * Coalesces offset commits of every group this node coordinates into CommitOffsetsCommands: while
 * one command is in flight through the quorum, later commits queue and go together in the next (up to
 * {@code maxPerCommand} offsets each), and a partition committed again while queued travels once, with
 * its latest offset (apply would keep only the last anyway; every caller hears that outcome). A Raft
 * entry costs milliseconds here, so this turns thousands of commits per second into a few hundred
 * entries at most, and a lone commit pays one entry's latency with no added linger. Thread-safe.
 */
public final class OffsetCommitBatcher {
    private final Function<MetadataCommand, CompletableFuture<CommandResult>> submit;
    private final LongSupplier wallClock;
    private final int maxPerCommand;
    private final int coordinatorId;
    private final Map<Key, Pending> pending = new LinkedHashMap<>();
    private boolean inFlight;
    private long commandsSent;

    /** What one queued commit replaces: the same group and partition. */
    private record Key(String group, String topic, int partition) {
    }

    /** The latest queued commit of a partition and everyone waiting for its outcome. */
    private static final class Pending {
        OffsetCommit commit;
        final List<CompletableFuture<PartitionOutcome>> waiters = new ArrayList<>(1);

        Pending(OffsetCommit commit) {
            this.commit = commit;
        }
    }

    /**
     * @param coordinatorId this node: the quorum applies its commits only for groups it coordinates in
     *                      the quorum's own view (see CommitOffsetsCommand.coordinator_id)
     */
    public OffsetCommitBatcher(Function<MetadataCommand, CompletableFuture<CommandResult>> submit,
                               LongSupplier wallClock, int maxPerCommand, int coordinatorId) {
        this.submit = submit;
        this.wallClock = wallClock;
        this.maxPerCommand = maxPerCommand;
        this.coordinatorId = coordinatorId;
    }

    /**
     * Queues commits; each future completes with that offset's outcome (NONE once the quorum applied it,
     * or why not). A quorum that cannot be reached completes them with REQUEST_TIMED_OUT, which clients
     * retry: committing the same offset twice is harmless.
     */
    public List<CompletableFuture<PartitionOutcome>> commit(List<OffsetCommit> commits) {
        List<CompletableFuture<PartitionOutcome>> futures = new ArrayList<>(commits.size());
        synchronized (this) {
            for (OffsetCommit c : commits) {
                CompletableFuture<PartitionOutcome> f = new CompletableFuture<>();
                Pending p = pending.computeIfAbsent(new Key(c.getGroup(), c.getTopic(), c.getPartition()),
                        k -> new Pending(c));
                p.commit = c;
                p.waiters.add(f);
                futures.add(f);
            }
            if (!inFlight) {
                sendNext();
            }
        }
        return futures;
    }

    /** Commands sent so far (how many Raft entries the commits cost). */
    public synchronized long commandsSent() {
        return commandsSent;
    }

    private void sendNext() {
        if (pending.isEmpty()) {
            inFlight = false;
            return;
        }
        inFlight = true;
        List<Pending> batch = new ArrayList<>();
        Iterator<Pending> it = pending.values().iterator();
        while (it.hasNext() && batch.size() < maxPerCommand) {
            batch.add(it.next());
            it.remove();
        }
        CommitOffsetsCommand.Builder command = CommitOffsetsCommand.newBuilder().setCoordinatorId(coordinatorId);
        batch.forEach(p -> command.addOffsets(p.commit));
        commandsSent++;
        MetadataCommand full = MetadataCommand.newBuilder().setRequestId(UUID.randomUUID().toString())
                .setTimestampMs(wallClock.getAsLong()).setCommitOffsets(command).build();
        CompletableFuture<CommandResult> sent;
        try {
            sent = submit.apply(full);
        } catch (RuntimeException e) {
            sent = CompletableFuture.failedFuture(e);
        }
        sent.whenComplete((result, error) -> {
            complete(batch, result, error);
            synchronized (this) {
                sendNext();
            }
        });
    }

    private static void complete(List<Pending> batch, CommandResult result, Throwable error) {
        for (int i = 0; i < batch.size(); i++) {
            Pending p = batch.get(i);
            PartitionOutcome.Builder outcome = PartitionOutcome.newBuilder().setGroup(p.commit.getGroup())
                    .setTopic(p.commit.getTopic()).setPartition(p.commit.getPartition());
            if (error != null) {
                outcome.setError(ErrorCode.REQUEST_TIMED_OUT).setErrorMessage("the offset could not be written to "
                        + "the metadata quorum (" + error.getMessage() + "); retry the commit");
            } else if (!result.isSuccess()) {
                outcome.setError(result.error()).setErrorMessage(result.message());
            } else if (i < result.partitions().size()) {
                PartitionOutcome applied = result.partitions().get(i);
                outcome.setError(applied.getError()).setErrorMessage(applied.getErrorMessage());
            }
            PartitionOutcome done = outcome.build();
            p.waiters.forEach(w -> w.complete(done));
        }
    }
}
