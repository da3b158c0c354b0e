package io.sluice.protocol;

import java.util.concurrent.atomic.AtomicLong;

/**
 * A {@link Time} that moves only when a test says so ({@link #sleep}); wall clock and monotonic clock
 * move together. Shared with the other modules' tests through protocol's test jar. Thread-safe.
 */
public final class MockTime implements Time {
    private static final long WALL_CLOCK_BASE_MS = 1_700_000_000_000L;
    private final AtomicLong nanos = new AtomicLong(1_000_000_000L);

    @Override
    public long milliseconds() {
        return WALL_CLOCK_BASE_MS + nanos.get() / 1_000_000L;
    }

    @Override
    public long nanoseconds() {
        return nanos.get();
    }

    /** Moves both clocks {@code ms} milliseconds forward. */
    public void sleep(long ms) {
        nanos.addAndGet(ms * 1_000_000L);
    }
}
