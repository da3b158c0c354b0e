package io.sluice.protocol;

/**
 * The one clock abstraction of every module: code that reads the clock for a rule (timeouts,
 * sessions, linger, backoff, liveness) takes a {@code Time}, so tests step it by hand with
 * {@code MockTime} (protocol's test jar) instead of sleeping. Production code uses {@link #SYSTEM}.
 * Implementations must be thread-safe.
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

    /** Wall-clock milliseconds, for timestamps that leave the process (records, the quorum). */
    long milliseconds();

    /** A monotonic clock, for durations. */
    long nanoseconds();

    /** Monotonic milliseconds, for deadlines and timeouts. */
    default long monotonicMs() {
        return nanoseconds() / 1_000_000L;
    }
}
