package io.sluice.tools.perf;

import java.io.PrintStream;
import java.text.SimpleDateFormat;

/**
 * The output lines of the consumer perf test, in the format of Kafka's {@code ConsumerPerformance}: the
 * header, the one-line summary, and with {@code --show-detailed-stats} a progress line per reporting
 * interval. Sluice has no consumer groups, so the rebalance time is always 0 and the fetch time is the
 * whole elapsed time. Stateless apart from the date format it is given (not thread-safe).
 */
final class ConsumerPerfReport {
    private final SimpleDateFormat dateFormat;
    private final PrintStream out;

    ConsumerPerfReport(SimpleDateFormat dateFormat, PrintStream out) {
        this.dateFormat = dateFormat;
        this.out = out;
    }

    void header(boolean detailed) {
        String extra = ", rebalance.time.ms, fetch.time.ms, fetch.MB.sec, fetch.nMsg.sec";
        out.println(detailed
                ? "time, threadId, data.consumed.in.MB, MB.sec, data.consumed.in.nMsg, nMsg.sec" + extra
                : "start.time, end.time, data.consumed.in.MB, MB.sec, data.consumed.in.nMsg, nMsg.sec" + extra);
    }

    void summary(long startMs, long endMs, long bytes, long messages, long rebalanceMs) {
        double elapsedSec = (endMs - startMs) / 1000.0;
        long fetchTimeMs = (endMs - startMs) - rebalanceMs;
        double mb = bytes / (1024.0 * 1024.0);
        out.printf("%s, %s, %.4f, %.4f, %d, %.4f, %d, %d, %.4f, %.4f%n", dateFormat.format(startMs), dateFormat.format(endMs),
                mb, mb / elapsedSec, messages, messages / elapsedSec, rebalanceMs, fetchTimeMs,
                mb / (fetchTimeMs / 1000.0), messages / (fetchTimeMs / 1000.0));
    }

    /** One interval's line: totals so far, rates over the interval since {@code lastMs}. */
    void progress(long bytes, long lastBytes, long messages, long lastMessages, long lastMs, long nowMs) {
        double elapsedMs = nowMs - lastMs;
        double intervalMb = (bytes - lastBytes) / (1024.0 * 1024.0);
        long fetchTimeMs = nowMs - lastMs;
        out.printf("%s, %d, %.4f, %.4f, %d, %.4f, %d, %d, %.4f, %.4f%n", dateFormat.format(nowMs), 0,
                bytes / (1024.0 * 1024.0), 1000.0 * intervalMb / elapsedMs, messages,
                (messages - lastMessages) / elapsedMs * 1000.0, 0, fetchTimeMs,
                fetchTimeMs <= 0 ? 0.0 : 1000.0 * intervalMb / fetchTimeMs,
                fetchTimeMs <= 0 ? 0.0 : 1000.0 * (messages - lastMessages) / fetchTimeMs);
    }
}
