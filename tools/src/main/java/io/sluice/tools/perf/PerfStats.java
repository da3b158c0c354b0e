package io.sluice.tools.perf;

import java.io.PrintStream;
import java.util.Arrays;
import java.util.function.LongSupplier;

/**
 * The producer perf test's statistics, computed exactly as Kafka's {@code ProducerPerformance} does so
 * the numbers compare side by side: per-record latency is from just before {@code send} to the
 * callback, in whole milliseconds; every 5 s (checked when a record completes) a window line is
 * printed; the summary's percentiles come from a sample of at most about 500,000 latencies (every
 * {@code numRecords / 500000}-th record). Records that failed are not counted.
 *
 * <p>Not thread-safe: {@link #record} is called from the producer's callback thread only, and
 * {@link #printTotal} after the producer is closed.
 */
final class PerfStats {
    static final long REPORTING_INTERVAL_MS = 5000;

    private final LongSupplier clock;
    private final PrintStream out;
    private final long start;
    private final int[] latencies;
    private final long sampling;
    private long iteration;
    private int index;
    private long count;
    private long bytes;
    private int maxLatency;
    private long totalLatency;
    private long windowCount;
    private int windowMaxLatency;
    private long windowTotalLatency;
    private long windowBytes;
    private long windowStart;

    PerfStats(long numRecords, LongSupplier clock, PrintStream out) {
        this.clock = clock;
        this.out = out;
        this.start = clock.getAsLong();
        this.windowStart = start;
        this.sampling = numRecords / Math.min(numRecords, 500_000);
        this.latencies = new int[(int) (numRecords / sampling) + 1];
    }

    void record(int latency, int recordBytes, long now) {
        count++;
        bytes += recordBytes;
        totalLatency += latency;
        maxLatency = Math.max(maxLatency, latency);
        windowCount++;
        windowBytes += recordBytes;
        windowTotalLatency += latency;
        windowMaxLatency = Math.max(windowMaxLatency, latency);
        if (iteration % sampling == 0 && index < latencies.length) {
            latencies[index++] = latency;
        }
        if (now - windowStart >= REPORTING_INTERVAL_MS) {
            printWindow();
            newWindow();
        }
        iteration++;
    }

    void printWindow() {
        long elapsed = clock.getAsLong() - windowStart;
        double recsPerSec = 1000.0 * windowCount / (double) elapsed;
        double mbPerSec = 1000.0 * windowBytes / (double) elapsed / (1024.0 * 1024.0);
        out.printf("%d records sent, %.1f records/sec (%.2f MB/sec), %.1f ms avg latency, %.1f ms max latency.%n",
                windowCount, recsPerSec, mbPerSec, windowTotalLatency / (double) windowCount, (double) windowMaxLatency);
    }

    private void newWindow() {
        windowStart = clock.getAsLong();
        windowCount = 0;
        windowMaxLatency = 0;
        windowTotalLatency = 0;
        windowBytes = 0;
    }

    void printTotal() {
        long elapsed = clock.getAsLong() - start;
        double recsPerSec = 1000.0 * count / (double) elapsed;
        double mbPerSec = 1000.0 * bytes / (double) elapsed / (1024.0 * 1024.0);
        int[] p = percentiles(0.5, 0.95, 0.99, 0.999);
        out.printf("%d records sent, %f records/sec (%.2f MB/sec), %.2f ms avg latency, %.2f ms max latency, "
                + "%d ms 50th, %d ms 95th, %d ms 99th, %d ms 99.9th.%n",
                count, recsPerSec, mbPerSec, totalLatency / (double) count, (double) maxLatency, p[0], p[1], p[2], p[3]);
    }

    /** The latencies at the given quantiles of the sample: the element at index floor(q * size) once sorted. */
    int[] percentiles(double... quantiles) {
        int size = Math.min(index, latencies.length);
        Arrays.sort(latencies, 0, size);
        int[] values = new int[quantiles.length];
        for (int i = 0; i < quantiles.length; i++) {
            values[i] = size == 0 ? 0 : latencies[Math.min(size - 1, (int) (quantiles[i] * size))];
        }
        return values;
    }

    long count() {
        return count;
    }
}
