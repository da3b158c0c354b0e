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
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.LongSupplier;

/**
 * Coalesces offset commits of every group this node coordinates into CommitOffsetsCommands: while
 * one command is in flight through the quorum, later commits queue and go together in the next (up to
 * {@code maxPerCommand} offsets each), and a partition committed again while queued travels once, with
 * its latest offset (apply would keep only the last anyway; every caller hears that outcome). A Raft
 * entry costs milliseconds here, so this turns thousands of commits per second into a few hundred
 * entries at most, and a lone commit pays one entry's latency with no added linger.
 *
 * <p>Commands are numbered (with the broker epoch) and the quorum applies none that is older than one
 * it already applied from this node. So a command whose outcome never came back (the quorum was slow,
 * the caller heard REQUEST_TIMED_OUT) is settled once a later command is applied: it was applied
 * before, or never will be. {@link #settled()} waits for that, so a new owner of a partition reads the
 * offset it must start from only when no earlier commit can still move it. Thread-safe.
 */
public final class OffsetCommitBatcher {
    private final Function<MetadataCommand, CompletableFuture<CommandResult>> submit;
    private final LongSupplier wallClock;
    private final int maxPerCommand;
    private final int coordinatorId;
    private final Map<Key, Pending> pending = new LinkedHashMap<>();
    /** Callers of settled() waiting for a command at least this new to be applied. */
    private final List<Barrier> barriers = new ArrayList<>();
    /** Runs a fence after a failed command a little later, so an unreachable quorum is not asked in a tight loop. */
    private final Executor retryDelay;
    private long brokerEpoch = -1;
    private boolean inFlight;
    /** Also the sequence number of the last command sent. */
    private long commandsSent;
    /** Whether the last command sent is known applied; false too before the first (an earlier process's may linger). */
    private boolean lastApplied;

    static final long FENCE_RETRY_MS = 100;

    /** What one queued commit replaces: the same group and partition. */
    private record Key(String group, String topic, int partition) {
    }

    private record Barrier(long sequence, CompletableFuture<Void> done) {
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
        this(submit, wallClock, maxPerCommand, coordinatorId,
                CompletableFuture.delayedExecutor(FENCE_RETRY_MS, TimeUnit.MILLISECONDS));
    }

    OffsetCommitBatcher(Function<MetadataCommand, CompletableFuture<CommandResult>> submit, LongSupplier wallClock,
                        int maxPerCommand, int coordinatorId, Executor retryDelay) {
        this.retryDelay = retryDelay;
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
            if (brokerEpoch < 0) {
                commits.forEach(c -> futures.add(CompletableFuture.completedFuture(notRegistered(c))));
                return futures;
            }
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

    /** The broker epoch of this node's registration; commands carry it so a restarted node's outrank its old ones. */
    public synchronized void setBrokerEpoch(long epoch) {
        brokerEpoch = epoch;
        if (!inFlight) {
            sendNext(); // a fence, when settled() callers wait
        }
    }

    /**
     * Until this process has registered, its commands would carry no epoch and the quorum would refuse
     * them as older than those of the node's previous process (whose registration its image may still
     * show, so it may believe it coordinates the group). So they are refused here, retriably.
     */
    private PartitionOutcome notRegistered(OffsetCommit c) {
        return PartitionOutcome.newBuilder().setGroup(c.getGroup()).setTopic(c.getTopic()).setPartition(c.getPartition())
                .setError(ErrorCode.COORDINATOR_LOAD_IN_PROGRESS).setErrorMessage("node " + coordinatorId
                        + " has not registered with the metadata quorum since it started; retry in a moment").build();
    }

    /**
     * Completes once no commit queued before the call can still change an offset: every command that
     * carries one is applied or refused, and a command at least as new as the last of them was applied
     * (when the last sent has an unknown outcome, an empty command is sent to settle it, once this node
     * is registered). Never completes exceptionally; a caller that cannot wait longer times the future
     * out itself.
     */
    public synchronized CompletableFuture<Void> settled() {
        if (!inFlight && pending.isEmpty() && lastApplied) {
            return CompletableFuture.completedFuture(null);
        }
        long needed;
        if (!pending.isEmpty()) {
            needed = commandsSent + (pending.size() + maxPerCommand - 1) / maxPerCommand;
        } else {
            needed = inFlight ? commandsSent : commandsSent + 1;
        }
        CompletableFuture<Void> done = new CompletableFuture<>();
        barriers.add(new Barrier(needed, done));
        if (!inFlight) {
            sendNext();
        }
        return done;
    }

    /** Commands sent so far (how many Raft entries the commits cost). */
    public synchronized long commandsSent() {
        return commandsSent;
    }

    /** Sends the next command: queued commits, or none when only settled() callers wait (a fence). */
    private void sendNext() {
        barriers.removeIf(b -> b.done.isDone());
        if (brokerEpoch < 0 || pending.isEmpty() && barriers.isEmpty()) {
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
        long sequence = ++commandsSent;
        CommitOffsetsCommand.Builder command = CommitOffsetsCommand.newBuilder().setCoordinatorId(coordinatorId)
                .setCoordinatorEpoch(brokerEpoch).setSequence(sequence);
        batch.forEach(p -> command.addOffsets(p.commit));
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
            boolean applied = error == null && result.isSuccess();
            List<CompletableFuture<Void>> released = new ArrayList<>();
            boolean fenceLater;
            synchronized (this) {
                lastApplied = applied;
                barriers.removeIf(b -> b.done.isDone());
                if (applied) {
                    barriers.removeIf(b -> b.sequence <= sequence && released.add(b.done));
                }
                fenceLater = !applied && pending.isEmpty() && !barriers.isEmpty();
                if (fenceLater) {
                    inFlight = false;
                } else {
                    sendNext();
                }
            }
            released.forEach(done -> done.complete(null));
            if (fenceLater) {
                retryDelay.execute(this::fenceIfIdle);
            }
        });
    }

    private synchronized void fenceIfIdle() {
        if (!inFlight) {
            sendNext();
        }
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
