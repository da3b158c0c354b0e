package io.sluice.storage;

/**
 * Paces the log cleaner's I/O to a rate in bytes per second, shared by all cleaner threads of a node
 * ({@code log.cleaner.io.max.bytes.per.second}), so cleaning does not starve produce and fetch of
 * disk bandwidth. Each {@link #acquire} books its bytes on a virtual timeline and sleeps until the
 * booking's start is due; bursts are not saved up beyond one second of idle time.
 *
 * <p>Thread-safe.
 */
final class Throttler {
    private final double bytesPerSecond;
    private long nextFreeNanos = System.nanoTime();

    Throttler(double bytesPerSecond) {
        this.bytesPerSecond = bytesPerSecond;
    }

    /** Waits until {@code bytes} more may be read or written. An interrupt ends the wait early (flag kept). */
    void acquire(long bytes) {
        if (bytesPerSecond >= Double.MAX_VALUE / 2 || bytes <= 0) {
            return;
        }
        long waitUntil;
        synchronized (this) {
            long now = System.nanoTime();
            nextFreeNanos = Math.max(nextFreeNanos, now - 1_000_000_000L);
            waitUntil = nextFreeNanos;
            nextFreeNanos += (long) (bytes * 1e9 / bytesPerSecond);
        }
        long sleep = waitUntil - System.nanoTime();
        if (sleep > 0) {
            try {
                Thread.sleep(sleep / 1_000_000, (int) (sleep % 1_000_000));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
