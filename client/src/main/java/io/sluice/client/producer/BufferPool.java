package io.sluice.client.producer;

import io.sluice.client.Time;
import io.sluice.protocol.ErrorCode;
import io.sluice.protocol.SluiceException;

/**
 * Accounts for {@code buffer.memory}: every open batch reserves its size here when created and gives
 * it back when its outcome is known. A send that finds the budget spent blocks up to
 * {@code max.block.ms} for earlier batches to complete: this is the producer's back-pressure when the
 * cluster is slower than the application.
 *
 * <p>Thread-safe; waiters are woken in no particular order.
 */
final class BufferPool {
    private final long totalMemory;
    private final Time time;
    private long available;
    private int waiters;

    BufferPool(long totalMemory, Time time) {
        this.totalMemory = totalMemory;
        this.available = totalMemory;
        this.time = time;
    }

    /** Takes {@code bytes} of the budget, waiting at most {@code maxBlockMs} for it to free up. */
    synchronized void reserve(long bytes, long maxBlockMs) {
        if (bytes > totalMemory) {
            throw new SluiceException(ErrorCode.RECORD_LIST_TOO_LARGE, "a batch of " + bytes
                    + " bytes is larger than buffer.memory (" + totalMemory + " bytes)");
        }
        long deadline = time.monotonicMs() + maxBlockMs;
        waiters++;
        try {
            while (available < bytes) {
                long left = deadline - time.monotonicMs();
                if (left <= 0) {
                    throw new SluiceException(ErrorCode.REQUEST_TIMED_OUT, "could not reserve " + bytes
                            + " bytes of buffer.memory (" + totalMemory + " bytes) within max.block.ms ("
                            + maxBlockMs + " ms): records are produced faster than the cluster accepts them");
                }
                wait(left);
            }
            available -= bytes;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SluiceException(ErrorCode.REQUEST_TIMED_OUT, "interrupted while waiting for buffer.memory");
        } finally {
            waiters--;
        }
    }

    synchronized void release(long bytes) {
        available += bytes;
        notifyAll();
    }

    /** Whether some send is blocked for memory; the sender then sends batches before their linger. */
    synchronized boolean exhausted() {
        return waiters > 0;
    }

    synchronized long available() {
        return available;
    }
}
