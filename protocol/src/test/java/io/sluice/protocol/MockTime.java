package io.sluice.protocol;

import java.util.concurrent.atomic.AtomicLong;

/**
 * A {@link Time} that moves only when a test says so ({@link #sleep}); wall clock and monotonic clock
 * move together. Shared with the other modules' tests through protocol's test jar. Thread-safe.
 */
public final class MockTime implements Time {
    private static final long NANOS_BASE = 1_000_000_000L;
    private final long startMs;
    private final AtomicLong elapsedNanos = new AtomicLong();

    /** Starts the wall clock at an arbitrary recent instant. */
    public MockTime() {
        this(1_700_000_001_000L);
    }

    /** Starts the wall clock at {@code startMs}, for tests that compare it with record timestamps. */
    public MockTime(long startMs) {
        this.startMs = startMs;
    }

    @Override
    public long milliseconds() {
        return startMs + elapsedNanos.get() / 1_000_000L;
    }

    @Override
    public long nanoseconds() {
        return NANOS_BASE + elapsedNanos.get();
    }

    /** Moves both clocks {@code ms} milliseconds forward. */
    public void sleep(long ms) {
        elapsedNanos.addAndGet(ms * 1_000_000L);
    }
}
