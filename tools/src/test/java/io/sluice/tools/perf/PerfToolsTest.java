package io.sluice.tools.perf;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.beust.jcommander.JCommander;
import io.sluice.tools.UsageException;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.text.SimpleDateFormat;
import java.util.Map;
import java.util.TimeZone;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 10, unit = TimeUnit.SECONDS)
class PerfToolsTest {
    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    private final PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);

    private String output() {
        return bytes.toString(StandardCharsets.UTF_8).replace(System.lineSeparator(), "\n");
    }

    @Test
    void producerStatsPrintKafkasWindowAndSummaryLines() {
        AtomicLong clock = new AtomicLong(1_000);
        PerfStats stats = new PerfStats(4, clock::get, out);
        stats.record(10, 100, 1_500);
        stats.record(30, 100, 2_000);
        clock.set(6_000);
        stats.record(20, 100, 6_000); // 5 s after the window opened: the window line is printed
        assertEquals("3 records sent, 0.6 records/sec (0.00 MB/sec), 20.0 ms avg latency, 30.0 ms max latency.\n", output());
        bytes.reset();
        stats.record(40, 100, 6_000);
        clock.set(11_000);
        stats.printTotal();
        assertEquals("4 records sent, 0.400000 records/sec (0.00 MB/sec), 25.00 ms avg latency, 40.00 ms max latency, "
                + "30 ms 50th, 40 ms 95th, 40 ms 99th, 40 ms 99.9th.\n", output());
    }

    @Test
    void percentilesIndexTheSortedSampleAsKafkaDoes() {
        PerfStats stats = new PerfStats(1000, () -> 0L, out);
        for (int i = 1000; i >= 1; i--) {
            stats.record(i, 1, 0);
        }
        assertArrayEquals(new int[] {501, 951, 991, 1000}, stats.percentiles(0.5, 0.95, 0.99, 0.999));
    }

    @Test
    void throttlerFollowsKafkasThroughputRule() throws Exception {
        Throttler unlimited = new Throttler(-1, 0);
        assertFalse(unlimited.shouldThrottle(1_000_000, 1));
        Throttler hundred = new Throttler(100, 0);
        assertFalse(hundred.shouldThrottle(100, 0), "no time elapsed yet: never throttles");
        assertFalse(hundred.shouldThrottle(100, 1000));
        assertTrue(hundred.shouldThrottle(101, 1000));
        Throttler fast = new Throttler(1_000_000, 0); // 1 us per record: sleeps only once 2 ms are owed
        fast.throttle();
        assertEquals(1_000, fast.sleepDeficitNs());
        for (int i = 0; i < 1999; i++) {
            fast.throttle();
        }
        assertEquals(0, fast.sleepDeficitNs());
    }

    @Test
    void consumerReportPrintsKafkasHeaderAndValues() {
        SimpleDateFormat format = new SimpleDateFormat("yyyy-MM-dd HH:mm:ss:SSS");
        format.setTimeZone(TimeZone.getTimeZone("UTC"));
        ConsumerPerfReport report = new ConsumerPerfReport(format, out);
        report.header(false);
        report.summary(0, 2_000, 2 * 1024 * 1024, 1000, 0);
        assertEquals("start.time, end.time, data.consumed.in.MB, MB.sec, data.consumed.in.nMsg, nMsg.sec, "
                + "rebalance.time.ms, fetch.time.ms, fetch.MB.sec, fetch.nMsg.sec\n"
                + "1970-01-01 00:00:00:000, 1970-01-01 00:00:02:000, 2.0000, 1.0000, 1000, 500.0000, 0, 2000, 1.0000, 500.0000\n",
                output());
        bytes.reset();
        report.header(true);
        report.progress(1024 * 1024, 0, 100, 0, 0, 1_000);
        assertEquals("time, threadId, data.consumed.in.MB, MB.sec, data.consumed.in.nMsg, nMsg.sec, "
                + "rebalance.time.ms, fetch.time.ms, fetch.MB.sec, fetch.nMsg.sec\n"
                + "1970-01-01 00:00:01:000, 0, 1.0000, 1.0000, 100, 100.0000, 0, 1000, 1.0000, 100.0000\n", output());
    }

    @Test
    void producerPerfOptionsFollowKafka() {
        ProducerPerfCommand.Options o = new ProducerPerfCommand.Options();
        JCommander.newBuilder().addObject(o).build().parse("--topic", "t", "--num-records", "10", "--record-size", "100",
                "--throughput", "-1", "--producer-props", "bootstrap.servers=h:1,h:2", "acks=1");
        Map<String, Object> props = ProducerPerfCommand.props(o);
        assertEquals("h:1,h:2", props.get("bootstrap.servers"), "list values are not cut at commas");
        assertEquals("1", props.get("acks"));
        assertEquals("perf-producer-client", props.get("client.id"));
        ProducerPerfCommand.Options none = new ProducerPerfCommand.Options();
        JCommander.newBuilder().addObject(none).build().parse("--topic", "t", "--num-records", "10", "--record-size", "100",
                "--throughput", "-1");
        assertEquals("give the cluster with --bootstrap-server, --producer-props bootstrap.servers=... or --producer.config",
                assertThrows(UsageException.class, () -> ProducerPerfCommand.props(none)).getMessage());
    }

    @Test
    void metricsArePrintedInKafkasLayout() {
        Map<String, Double> metrics = new TreeMap<>(Map.of("producer-metrics:record-send-total:{client-id=c}", 5.0));
        ProducerPerfCommand.printMetrics(metrics, out);
        // The name column is as wide as the longest name (48 characters here).
        assertEquals("\nMetric Name" + " ".repeat(48 - 11) + "   Value\n"
                + "producer-metrics:record-send-total:{client-id=c} : 5.000\n", output());
    }
}
