package io.sluice.client.producer;

import io.sluice.protocol.Time;
import io.sluice.protocol.ErrorCode;
import io.sluice.protocol.SluiceException;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;

/**
 * Accounts for {@code buffer.memory}: every open batch reserves its size here when created and gives
 * it back when its outcome is known. A send that finds the budget spent blocks up to
 * {@code max.block.ms} for earlier batches to complete: this is the producer's back-pressure when the
 * cluster is slower than the application.
 *
 * <p>It also recycles the buffers of {@code batch.size} bytes that batches are built in, as Kafka's
 * producer does: a new batch takes a finished one's buffer instead of allocating (and zeroing) a new
 * one, which at high rates is a large share of the sending thread's work. At most as many are kept
 * as the budget could hold.
 *
 * <p>Thread-safe; waiters are woken in no particular order.
 */
final class BufferPool {
    private final long totalMemory;
    private final int poolableSize;
    private final Time time;
    private final ArrayDeque<ByteBuffer> free = new ArrayDeque<>();
    private long available;
    private int waiters;

    /** A pool that only accounts; buffers are never recycled. */
    BufferPool(long totalMemory, Time time) {
        this(totalMemory, -1, time);
    }

    /** @param poolableSize the size of the buffers to recycle (batch.size) */
    BufferPool(long totalMemory, int poolableSize, Time time) {
        this.totalMemory = totalMemory;
        this.poolableSize = poolableSize;
        this.available = totalMemory;
        this.time = time;
    }

    /** A buffer of {@code size} bytes, cleared: a recycled one when there is one of that size. */
    ByteBuffer buffer(int size) {
        if (size == poolableSize) {
            synchronized (this) {
                ByteBuffer b = free.pollFirst();
                if (b != null) {
                    return b.clear();
                }
            }
        }
        return ByteBuffer.allocate(size);
    }

    /** Takes back a buffer nobody uses any more; one of another size is left to the garbage collector. */
    void recycle(ByteBuffer buffer) {
        if (buffer != null && buffer.capacity() == poolableSize) {
            synchronized (this) {
                if ((long) (free.size() + 1) * poolableSize <= totalMemory) {
                    free.addFirst(buffer);
                }
            }
        }
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
