package io.sluice.purgatory;

import io.netty.util.Timeout;
import io.netty.util.Timer;
import io.netty.util.TimerTask;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * The purgatories' timer: one thread that sleeps until the earliest deadline, not a wheel that ticks.
 * Netty's {@code HashedWheelTimer} wakes every tick whether or not anything is due; at a 5 ms tick
 * the two purgatories of an idle broker woke 400 times a second, more than half of its CPU samples,
 * and about a tenth of a loaded broker's (async-profiler, see docs/performance.md). Nearly every
 * operation completes long before its timeout and cancels it, so the timer is mostly insertions and
 * removals: a heap that finds a cancelled entry by its index does both in O(log n).
 *
 * <p>Thread-safe: timeouts are added and cancelled from any thread; tasks run on the timer's thread.
 */
public final class DeadlineTimer implements Timer {
    private final ScheduledThreadPoolExecutor executor;
    /** Timeouts neither run nor cancelled: what {@link #stop()} hands back. */
    private final Set<Entry> pending = ConcurrentHashMap.newKeySet();

    public DeadlineTimer(String threadName) {
        executor = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, threadName);
            t.setDaemon(true);
            return t;
        });
        executor.setRemoveOnCancelPolicy(true); // cancelled timeouts leave the heap at once
        executor.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
    }

    @Override
    public Timeout newTimeout(TimerTask task, long delay, TimeUnit unit) {
        Entry entry = new Entry(task);
        pending.add(entry);
        try {
            entry.future = executor.schedule(entry, delay, unit);
        } catch (RejectedExecutionException e) {
            pending.remove(entry);
            throw new IllegalStateException("the timer is stopped", e);
        }
        return entry;
    }

    /** Stops the thread; returns the timeouts that had not run (the purgatory completes them itself). */
    @Override
    public Set<Timeout> stop() {
        executor.shutdownNow();
        return new HashSet<>(pending);
    }

    /** One timeout: the task, and the executor's handle to cancel it. */
    private final class Entry implements Timeout, Runnable {
        private final TimerTask task;
        private volatile Future<?> future;
        private volatile boolean expired;

        Entry(TimerTask task) {
            this.task = task;
        }

        @Override
        public void run() {
            if (!pending.remove(this)) {
                return; // cancelled meanwhile
            }
            expired = true;
            try {
                task.run(this);
            } catch (Exception e) {
                // A task's failure must not stop the timer thread and with it every later timeout.
                Thread t = Thread.currentThread();
                t.getUncaughtExceptionHandler().uncaughtException(t, e);
            }
        }

        @Override
        public Timer timer() {
            return DeadlineTimer.this;
        }

        @Override
        public TimerTask task() {
            return task;
        }

        @Override
        public boolean isExpired() {
            return expired;
        }

        @Override
        public boolean isCancelled() {
            return !expired && !pending.contains(this);
        }

        @Override
        public boolean cancel() {
            if (!pending.remove(this)) {
                return false; // ran or was cancelled already
            }
            Future<?> f = future;
            if (f != null) {
                f.cancel(false);
            }
            return true;
        }
    }
}
