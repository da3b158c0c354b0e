package io.sluice.purgatory;

import io.netty.util.Timeout;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A request that waits for a condition (a high watermark passing an offset, new data to fetch) or for
 * its timeout, whichever comes first. {@link #onComplete} runs exactly once, on whichever thread
 * completed it. Thread-safe.
 *
 * @param <K> the key the operation waits on, e.g. a partition
 */
public abstract class DelayedOperation<K> {
    private final AtomicBoolean completed = new AtomicBoolean();
    private final List<K> keys;
    private volatile Timeout timeout;
    private volatile boolean expired;

    protected DelayedOperation(List<K> keys) {
        this.keys = List.copyOf(keys);
    }

    /** Whether the condition holds now; called on any thread whenever one of the keys changed. */
    protected abstract boolean canComplete();

    /** Builds and sends the response; {@link #isExpired()} tells whether the timeout struck first. */
    protected abstract void onComplete();

    public List<K> keys() {
        return keys;
    }

    public boolean isCompleted() {
        return completed.get();
    }

    public boolean isExpired() {
        return expired;
    }

    /** Completes now if the condition holds; returns whether it is (now or already) completed. */
    public boolean tryComplete() {
        if (completed.get()) {
            return true;
        }
        return canComplete() && forceComplete();
    }

    /** Completes regardless of the condition; false if it was already completed. */
    public boolean forceComplete() {
        if (!completed.compareAndSet(false, true)) {
            return false;
        }
        Timeout t = timeout;
        if (t != null) {
            t.cancel();
        }
        onComplete();
        return true;
    }

    void expire() {
        expired = true;
        forceComplete();
    }

    void setTimeout(Timeout timeout) {
        this.timeout = timeout;
    }
}
