package io.sluice.jepsen.workload;

import io.sluice.jepsen.history.Op;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * One member of a consumer group: subscribes to the topic, polls, and after each poll that returned
 * records commits, with {@code commitSync}, the position of each partition it read. Records every
 * {@code poll} (as {@link QueueConsumer} does), every {@code commit}, and an {@code assign} with the
 * group whenever the group changes its assignment. After a random 5 to 15 s it leaves the group and
 * joins again as a new process, so partitions change owners also without faults; any error (a poll or
 * a commit that throws) makes it start over as a new process too, since after a commit of unknown
 * outcome its idea of the committed offsets is no longer certain. Runs on its own thread; the consumer
 * and its rebalance listener are used only from it.
 */
final class GroupConsumer implements Runnable {
    private static final long MIN_LIFETIME_NANOS = 5_000_000_000L;
    private static final Duration POLL_TIMEOUT = Duration.ofMillis(200);

    private final WorkloadContext context;
    private final QueueClient client;
    private final String topic;
    private final GroupHistory groupHistory;
    private final long deadlineNanos;
    private final Random random;

    GroupConsumer(WorkloadContext context, QueueClient client, String topic, String group, long deadlineNanos, int salt) {
        this.context = context;
        this.client = client;
        this.topic = topic;
        this.groupHistory = new GroupHistory(context.history(), topic, group);
        this.deadlineNanos = deadlineNanos;
        this.random = context.random(salt);
    }

    @Override
    public void run() {
        while (!Thread.currentThread().isInterrupted() && System.nanoTime() < deadlineNanos) {
            int process = context.nextProcess();
            long leaveAt = Math.min(deadlineNanos, System.nanoTime() + MIN_LIFETIME_NANOS
                    + (long) (random.nextDouble() * 2 * MIN_LIFETIME_NANOS));
            Assignments assignments = new Assignments(process);
            try (QueueClient.GroupReader consumer = client.groupReader(context.groupConsumerProps(groupHistory.group()),
                    topic, assignments::record)) {
                while (System.nanoTime() < leaveAt && !Thread.currentThread().isInterrupted()) {
                    Map<String, Object> reads = QueueConsumer.poll(context, process, () -> consumer.poll(POLL_TIMEOUT));
                    assignments.recordIfChanged(consumer.ownership());
                    if (!reads.isEmpty()) {
                        commit(consumer, process, GroupHistory.nextOffsets(reads));
                    }
                }
            } catch (RuntimeException e) {
                QueueWorkload.sleep(200); // the failure is in the history; go on as a new process
            }
        }
    }

    /** One recorded commitSync; throws after recording its outcome when it did not succeed. */
    private void commit(QueueClient.GroupReader consumer, int process, Map<String, Long> offsets) {
        Op invoke = groupHistory.invokeCommit(process, offsets);
        try {
            consumer.commitSync(offsets);
        } catch (RuntimeException e) {
            groupHistory.completeCommit(invoke, e);
            throw e;
        }
        groupHistory.completeCommit(invoke, null);
    }

    /**
     * Records the group's assignments. New partitions are recorded from the client's assignment
     * listener, which it calls inside {@code poll} before it fetches them, so the {@code assign} comes
     * before the first read of a new owner in the history, as the checker needs; a change that only
     * takes partitions away is recorded after the poll. Revocations are not committed: every position
     * was committed right after the poll that moved it.
     */
    private final class Assignments {
        private final int process;
        private QueueClient.Ownership recorded = new QueueClient.Ownership(List.of(), -1, "");

        Assignments(int process) {
            this.process = process;
        }

        void recordIfChanged(QueueClient.Ownership now) {
            if (!now.equals(recorded)) {
                record(now);
            }
        }

        /** An {@code assign} when the partitions changed; an {@code owns} for each generation's. */
        void record(QueueClient.Ownership now) {
            QueueClient.Ownership before = recorded;
            recorded = now;
            if (!now.partitions().equals(before.partitions())) {
                groupHistory.assigned(process, now.partitions());
            }
            if (now.generation() >= 0) {
                groupHistory.owns(process, now);
            }
        }
    }
}
