package io.sluice.replication;

import io.netty.util.Timeout;
import io.netty.util.Timer;
import io.netty.util.TimerTask;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * A Netty {@link Timer} whose time moves only in {@link #advance}, which runs what expired on the
 * calling thread: purgatory timeouts become steps of a test instead of races with the wall clock.
 * Thread-safe.
 */
public final class ManualTimer implements Timer {
    private long nowMs;
    private final List<Task> tasks = new ArrayList<>();

    private final class Task implements Timeout {
        final TimerTask task;
        final long deadlineMs;
        volatile boolean cancelled;
        volatile boolean expired;

        Task(TimerTask task, long deadlineMs) {
            this.task = task;
            this.deadlineMs = deadlineMs;
        }

        @Override
        public Timer timer() {
            return ManualTimer.this;
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
            return cancelled;
        }

        @Override
        public boolean cancel() {
            synchronized (ManualTimer.this) {
                cancelled = true;
                return tasks.remove(this);
            }
        }
    }

    @Override
    public synchronized Timeout newTimeout(TimerTask task, long delay, TimeUnit unit) {
        Task t = new Task(task, nowMs + unit.toMillis(delay));
        tasks.add(t);
        return t;
    }

    /** Moves time forward and runs every task due by then, in deadline order. */
    public void advance(long ms) throws Exception {
        List<Task> due = new ArrayList<>();
        synchronized (this) {
            nowMs += ms;
            for (Task t : new ArrayList<>(tasks)) {
                if (t.deadlineMs <= nowMs) {
                    tasks.remove(t);
                    t.expired = true;
                    due.add(t);
                }
            }
        }
        due.sort((a, b) -> Long.compare(a.deadlineMs, b.deadlineMs));
        for (Task t : due) {
            t.task.run(t);
        }
    }

    /** Timeouts still waiting. */
    public synchronized int pending() {
        return tasks.size();
    }

    @Override
    public synchronized Set<Timeout> stop() {
        Set<Timeout> left = new HashSet<>(tasks);
        tasks.clear();
        return left;
    }
}
