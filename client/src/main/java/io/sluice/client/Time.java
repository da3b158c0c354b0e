package io.sluice.client;

/**
 * The clock of a client. Production code uses {@link #SYSTEM}; tests pass a fake they advance by hand,
 * so linger, backoff and timeout logic can be stepped deterministically. Implementations must be
 * thread-safe.
 */
public interface Time {
    /** The wall clock and monotonic clock of the JVM. */
    Time SYSTEM = new Time() {
        @Override
        public long milliseconds() {
            return System.currentTimeMillis();
        }

        @Override
        public long nanoseconds() {
            return System.nanoTime();
        }
    };

    /** Wall-clock milliseconds, for record timestamps. */
    long milliseconds();

    /** A monotonic clock, for durations. */
    long nanoseconds();

    /** Monotonic milliseconds, for deadlines and timeouts. */
    default long monotonicMs() {
        return nanoseconds() / 1_000_000L;
    }
}
