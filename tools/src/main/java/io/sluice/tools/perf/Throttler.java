package io.sluice.tools.perf;

/**
 * Holds a sender to a target rate with the semantics of Kafka's {@code ThroughputThrottler}, so a
 * {@code --throughput} figure means the same under Sluice: throttle when the average rate since the
 * start exceeds the target, and then sleep off an accumulated deficit of 1/target seconds per record,
 * only once it reaches 2 ms (short sleeps are inaccurate). A negative target never throttles; zero
 * blocks for good. Not thread-safe: used by the sending thread alone.
 */
final class Throttler {
    private static final long NS_PER_SEC = 1_000_000_000L;
    private static final long MIN_SLEEP_NS = 2_000_000L;

    private final long startMs;
    private final long target;
    private final long sleepTimeNs;
    private long sleepDeficitNs;

    Throttler(long target, long startMs) {
        this.target = target;
        this.startMs = startMs;
        this.sleepTimeNs = target > 0 ? NS_PER_SEC / target : Long.MAX_VALUE;
    }

    /** Whether {@code amountSoFar} records by {@code sendStartMs} is above the target rate. */
    boolean shouldThrottle(long amountSoFar, long sendStartMs) {
        if (target < 0) {
            return false;
        }
        float elapsedSec = (sendStartMs - startMs) / 1000.f;
        return elapsedSec > 0 && (amountSoFar / elapsedSec) > target;
    }

    /** Adds one record's worth of sleep and sleeps when 2 ms or more have accumulated. */
    void throttle() throws InterruptedException {
        if (target == 0) {
            Thread.sleep(Long.MAX_VALUE);
            return;
        }
        sleepDeficitNs += sleepTimeNs;
        if (sleepDeficitNs >= MIN_SLEEP_NS) {
            long startNs = System.nanoTime();
            long remaining = sleepDeficitNs;
            while (remaining > 0) {
                Thread.sleep(remaining / 1_000_000L, (int) (remaining % 1_000_000L));
                remaining = sleepDeficitNs - (System.nanoTime() - startNs);
            }
            sleepDeficitNs = 0;
        }
    }

    /** For tests: the sleep owed but not yet slept. */
    long sleepDeficitNs() {
        return sleepDeficitNs;
    }
}
