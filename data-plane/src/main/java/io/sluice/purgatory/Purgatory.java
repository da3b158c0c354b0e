package io.sluice.purgatory;

import io.netty.util.Timer;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Where requests wait: acks=all produces for the high watermark, fetches for data. An operation is
 * watched under each of its keys; whoever changes a key calls {@link #checkAndComplete}, and a timer
 * wheel completes what times out. Completed operations leave every key's watch list when they
 * complete, so nothing accumulates. Thread-safe.
 */
public final class Purgatory<K> implements AutoCloseable {
    private final Map<K, Set<DelayedOperation<K>>> watchers = new ConcurrentHashMap<>();
    private final Timer timer;

    public Purgatory(String name) {
        this(new DeadlineTimer("sluice-purgatory-" + name));
    }

    /** With the timer that expires operations (tests pass one whose time they move); closing stops it. */
    public Purgatory(Timer timer) {
        this.timer = timer;
    }

    /**
     * Completes the operation now if it can, else watches it until a key changes and it can, or until
     * {@code timeoutMs} passes.
     */
    public void tryCompleteElseWatch(DelayedOperation<K> op, long timeoutMs) {
        if (op.tryComplete()) {
            return;
        }
        for (K key : op.keys()) {
            watchers.computeIfAbsent(key, k -> ConcurrentHashMap.newKeySet()).add(op);
        }
        // A key may have changed between the first check and the watch: check once more.
        if (op.tryComplete()) {
            unwatch(op);
            return;
        }
        op.setTimeout(timer.newTimeout(t -> {
            op.expire();
            unwatch(op);
        }, Math.max(0, timeoutMs), TimeUnit.MILLISECONDS));
        if (op.isCompleted()) {
            unwatch(op);
        }
    }

    /** Completes whatever waits on {@code key} and now can; returns how many completed. */
    public int checkAndComplete(K key) {
        Set<DelayedOperation<K>> ops = watchers.get(key);
        if (ops == null || ops.isEmpty()) {
            return 0;
        }
        int completed = 0;
        for (DelayedOperation<K> op : ops) {
            if (op.tryComplete()) {
                unwatch(op);
                completed++;
            }
        }
        return completed;
    }

    /** Completes everything waiting on {@code key} at once (leadership moved away, partition deleted). */
    public void completeAll(K key) {
        Set<DelayedOperation<K>> ops = watchers.get(key);
        if (ops != null) {
            for (DelayedOperation<K> op : ops) {
                op.forceComplete();
                unwatch(op);
            }
        }
    }

    public int watched() {
        return watchers.values().stream().mapToInt(Set::size).sum();
    }

    /** Operations waiting on {@code key} (tests check that a request really parked). */
    public int watched(K key) {
        Set<DelayedOperation<K>> ops = watchers.get(key);
        return ops == null ? 0 : ops.size();
    }

    private void unwatch(DelayedOperation<K> op) {
        for (K key : op.keys()) {
            Set<DelayedOperation<K>> ops = watchers.get(key);
            if (ops != null) {
                // The set itself stays (one per partition): removing it could lose a concurrent watch.
                ops.remove(op);
            }
        }
    }

    @Override
    public void close() {
        timer.stop().forEach(t -> {
            if (t.task() != null) {
                try {
                    t.task().run(t);
                } catch (Exception ignored) {
                    // completing on close: the connection is going away anyway
                }
            }
        });
    }
}
