package io.sluice.jepsen.workload;

import io.sluice.client.admin.Admin;
import io.sluice.jepsen.history.Op;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Reads the committed offsets of some consumer groups about twice a second with {@code
 * Admin.listConsumerGroupOffsets} (a linearizable read on any broker) and records each as a {@code
 * committed} op, so that the checker can compare what the group reports with the commits acknowledged
 * before. A failed read is a fail (reads change nothing) and the reader goes on with a fresh admin
 * client under the same process. Runs on its own thread; {@link #readEach} may be called from any
 * thread with its own admin client.
 */
final class CommittedReader implements Runnable {
    private static final long PAUSE_MS = 500;

    private final WorkloadContext context;
    private final List<GroupHistory> groups;
    private final long deadlineNanos;

    CommittedReader(WorkloadContext context, String topic, List<String> groups, long deadlineNanos) {
        this.context = context;
        this.groups = histories(context, topic, groups);
        this.deadlineNanos = deadlineNanos;
    }

    @Override
    public void run() {
        int process = context.nextProcess();
        while (running()) {
            try (Admin admin = context.cluster().admin(context.cluster().bootstrap())) {
                while (running() && readEach(admin, process, groups)) {
                    QueueWorkload.sleep(PAUSE_MS);
                }
            } catch (RuntimeException e) {
                // making the admin client failed (no node answered); the next round tries again
            }
            QueueWorkload.sleep(PAUSE_MS);
        }
    }

    private boolean running() {
        return !Thread.currentThread().isInterrupted() && System.nanoTime() < deadlineNanos;
    }

    /**
     * After healing: one successful read of each group's committed offsets, retried until {@code
     * deadlineNanos}.
     */
    static void finalReads(WorkloadContext context, String topic, List<String> groups, long deadlineNanos) {
        int process = context.nextProcess();
        for (GroupHistory group : histories(context, topic, groups)) {
            boolean done = false;
            while (!done && System.nanoTime() < deadlineNanos && !Thread.currentThread().isInterrupted()) {
                try (Admin admin = context.cluster().admin(context.cluster().bootstrap())) {
                    done = readEach(admin, process, List.of(group));
                } catch (RuntimeException e) {
                    done = false;
                }
                if (!done) {
                    QueueWorkload.sleep(PAUSE_MS);
                }
            }
        }
    }

    /** Reads and records each group's committed offsets; false at the first failure (it is recorded). */
    static boolean readEach(Admin admin, int process, List<GroupHistory> groups) {
        for (GroupHistory group : groups) {
            Op invoke = group.invokeCommitted(process);
            try {
                group.completeCommitted(invoke, admin.listConsumerGroupOffsets(group.group()).get(10, TimeUnit.SECONDS));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                group.failCommitted(invoke, e);
                return false;
            } catch (Exception e) {
                group.failCommitted(invoke, e);
                return false;
            }
        }
        return true;
    }

    private static List<GroupHistory> histories(WorkloadContext context, String topic, List<String> groups) {
        return groups.stream().map(g -> new GroupHistory(context.history(), topic, g)).toList();
    }
}
