package io.sluice.replication;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * A real one-thread scheduler that records the delay of every task it is given ({@code execute} is a
 * delay of 0) and, while a task runs, which delay it was scheduled with: a test asserts that an
 * answer is followed by the next fetch at once, an error by the back-off, without timing anything.
 * Thread-safe.
 */
final class RecordingScheduler extends ScheduledThreadPoolExecutor {
    /** Every delay asked for, in milliseconds, in order. */
    final List<Long> delays = new CopyOnWriteArrayList<>();
    private volatile long runningDelayMs = -1;

    RecordingScheduler(String name) {
        super(1, r -> {
            Thread t = new Thread(r, name);
            t.setDaemon(true);
            return t;
        });
    }

    @Override
    public ScheduledFuture<?> schedule(Runnable task, long delay, TimeUnit unit) {
        long ms = unit.toMillis(delay);
        delays.add(ms);
        return super.schedule(() -> {
            runningDelayMs = ms;
            task.run();
        }, delay, unit);
    }

    /** The delay the task running now was scheduled with (-1 outside a task of this scheduler). */
    long runningDelayMs() {
        return runningDelayMs;
    }

    /** Whether nothing is queued or running: whatever the tasks so far led to has been done. */
    boolean isIdle() {
        return getQueue().isEmpty() && getActiveCount() == 0;
    }
}
