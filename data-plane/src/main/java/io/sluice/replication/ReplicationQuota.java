package io.sluice.replication;

import io.sluice.protocol.Time;
import java.util.function.LongSupplier;

/**
 * A replication throttle's byte budget, as Kafka's ReplicationQuotaManager measures it: the bytes taken
 * over a sliding window of {@code samples} samples of {@code sampleMs} each, against a rate in bytes
 * per second read at every use (the dynamic broker config may change it at any time; a negative or
 * {@link Long#MAX_VALUE} rate means unthrottled). A fetch may take what is left of the window's
 * budget: {@code rate * samples * sampleMs / 1000} minus what the window already holds. Thread-safe.
 */
final class ReplicationQuota {
    /** Kafka's replication.quota.window.num and replication.quota.window.size.seconds. */
    static final int DEFAULT_SAMPLES = 11;
    static final long DEFAULT_SAMPLE_MS = 1_000;

    private final LongSupplier rate;
    private final Time time;
    private final int samples;
    private final long sampleMs;
    private final long[] bytes;
    private final long[] sampleStart;

    ReplicationQuota(LongSupplier bytesPerSecond, Time time, int samples, long sampleMs) {
        this.rate = bytesPerSecond;
        this.time = time;
        this.samples = samples;
        this.sampleMs = sampleMs;
        this.bytes = new long[samples];
        this.sampleStart = new long[samples];
        java.util.Arrays.fill(sampleStart, Long.MIN_VALUE);
    }

    /** Whether a rate is configured at all. */
    boolean isActive() {
        long r = rate.getAsLong();
        return r >= 0 && r != Long.MAX_VALUE;
    }

    /** Bytes that may still be taken in the current window: 0 when the budget is spent; MAX_VALUE unthrottled. */
    synchronized long remaining() {
        long r = rate.getAsLong();
        if (r < 0 || r == Long.MAX_VALUE) {
            return Long.MAX_VALUE;
        }
        long budget = r * samples * sampleMs / 1000;
        return Math.max(0, budget - taken(time.monotonicMs()));
    }

    /** Counts {@code n} bytes sent (leader) or received (follower) for throttled replicas. */
    synchronized void record(long n) {
        long now = time.monotonicMs();
        int i = index(now);
        long start = now - Math.floorMod(now, sampleMs);
        if (sampleStart[i] != start) {
            sampleStart[i] = start;
            bytes[i] = 0;
        }
        bytes[i] += n;
    }

    private long taken(long now) {
        long oldest = now - Math.floorMod(now, sampleMs) - (samples - 1) * sampleMs;
        long sum = 0;
        for (int i = 0; i < samples; i++) {
            if (sampleStart[i] >= oldest) {
                sum += bytes[i];
            }
        }
        return sum;
    }

    private int index(long now) {
        return (int) Math.floorMod(Math.floorDiv(now, sampleMs), (long) samples);
    }
}
