package io.sluice.tools.perf;

import com.beust.jcommander.Parameter;
import io.sluice.client.producer.Producer;
import io.sluice.client.producer.ProducerRecord;
import io.sluice.tools.Command;
import io.sluice.tools.CommonOptions;
import io.sluice.tools.Usage;
import io.sluice.tools.UsageException;
import io.sluice.tools.configs.ClientOptions;
import io.sluice.tools.configs.NoSplitter;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicLong;

/**
 * {@code ./sluice producer-perf-test}: Kafka's {@code kafka-producer-perf-test.sh} for Sluice, same flags,
 * same load and same figures: records of {@code --record-size} random upper-case letters (regenerated
 * per record from a seeded generator, as Kafka does), null keys, sent as fast as {@code --throughput}
 * allows; latency from just before send to the callback.
 */
public final class ProducerPerfCommand implements Command {
    private final PrintStream out;
    private final PrintStream err;

    /** The options, named as kafka-producer-perf-test.sh names them. */
    static final class Options extends CommonOptions {
        @Parameter(names = "--topic", description = "Produce to this topic", required = true)
        String topic;
        @Parameter(names = "--num-records", description = "How many records to send", required = true)
        Long numRecords;
        @Parameter(names = "--record-size", description = "Bytes per record", required = true)
        Integer recordSize;
        @Parameter(names = "--throughput", description = "Records/sec to aim for; -1 for no limit", required = true)
        Double throughput;
        @Parameter(names = "--producer-props", variableArity = true, splitter = NoSplitter.class, description = "Producer configs key=value ...")
        List<String> producerProps;
        @Parameter(names = "--producer.config", description = "Producer properties file")
        String producerConfig;
        @Parameter(names = "--bootstrap-server", description = "Shorthand for --producer-props bootstrap.servers=...")
        String bootstrapServer;
        @Parameter(names = "--print-metrics", description = "Print the producer's metrics at the end")
        boolean printMetrics;
    }

    public ProducerPerfCommand() {
        this(System.out, System.err);
    }

    ProducerPerfCommand(PrintStream out, PrintStream err) {
        this.out = out;
        this.err = err;
    }

    @Override
    public String name() {
        return "producer-perf-test";
    }

    @Override
    public String summary() {
        return "Measure producer throughput and latency (like kafka-producer-perf-test.sh)";
    }

    @Override
    public List<String> examples() {
        return List.of("./sluice producer-perf-test --topic perf --num-records 1000000 --record-size 100 --throughput -1 "
                + "--producer-props bootstrap.servers=localhost:9092 acks=all");
    }

    @Override
    public int run(String[] args) throws Exception {
        Options o = new Options();
        if (!Usage.parse(this, o, args)) {
            return 0;
        }
        Map<String, Object> props = props(o);
        ClientOptions.requireReachable(String.valueOf(props.get("bootstrap.servers")));
        AtomicLong failed = new AtomicLong();
        try (Producer<byte[], byte[]> producer = Producer.ofBytes(props)) {
            producer.partitionsFor(o.topic); // fail fast on an unknown topic or unreachable cluster
            PerfStats stats = new PerfStats(o.numRecords, System::currentTimeMillis, out);
            long startMs = System.currentTimeMillis();
            Throttler throttler = new Throttler(o.throughput.longValue(), startMs);
            SplittableRandom random = new SplittableRandom(0);
            byte[] payload = new byte[o.recordSize];
            for (long i = 0; i < o.numRecords; i++) {
                for (int j = 0; j < payload.length; j++) {
                    payload[j] = (byte) (random.nextInt(26) + 65);
                }
                long sendStartMs = System.currentTimeMillis();
                producer.send(new ProducerRecord<>(o.topic, payload), (md, e) -> {
                    long now = System.currentTimeMillis();
                    if (e == null) {
                        stats.record((int) (now - sendStartMs), o.recordSize, now);
                    } else if (failed.incrementAndGet() <= 10) {
                        err.println("Error: a record failed: " + e.getMessage());
                    }
                });
                if (throttler.shouldThrottle(i, sendStartMs)) {
                    throttler.throttle();
                }
            }
            producer.flush();
            stats.printTotal();
            if (o.printMetrics) {
                printMetrics(producer.metrics(), out);
            }
        }
        if (failed.get() > 0) {
            err.println("Error: " + failed.get() + " of " + o.numRecords + " records failed");
            return 1;
        }
        return 0;
    }

    /** The producer's properties: the file, then --producer-props, then the perf test's client id default. */
    static Map<String, Object> props(Options o) {
        if (o.numRecords <= 0) {
            throw new UsageException("--num-records should be greater than zero");
        }
        if (o.recordSize <= 0) {
            throw new UsageException("--record-size should be greater than zero");
        }
        if (o.producerProps == null && o.producerConfig == null && o.bootstrapServer == null) {
            throw new UsageException("give the cluster with --bootstrap-server, --producer-props bootstrap.servers=... or --producer.config");
        }
        ClientOptions.validateTopicName(o.topic);
        Map<String, Object> props = new LinkedHashMap<>();
        if (o.bootstrapServer != null) {
            props.put("bootstrap.servers", o.bootstrapServer);
        }
        props.putAll(ClientOptions.loadFile(o.producerConfig, "--producer.config"));
        props.putAll(ClientOptions.parsePairs(o.producerProps == null ? new ArrayList<>() : o.producerProps, "--producer-props"));
        if (!props.containsKey("bootstrap.servers")) {
            throw new UsageException("no bootstrap.servers in --producer.config; add --bootstrap-server HOST:PORT");
        }
        props.putIfAbsent("client.id", "perf-producer-client");
        props.putIfAbsent("max.block.ms", ClientOptions.TOOL_TIMEOUT_MS);
        return props;
    }

    /** Prints metrics in the layout of Kafka's {@code ToolsUtils.printMetrics}. */
    static void printMetrics(Map<String, Double> metrics, PrintStream out) {
        int width = Math.max("Metric Name".length(), metrics.keySet().stream().mapToInt(String::length).max().orElse(0));
        out.printf("%n%-" + width + "s   %s%n", "Metric Name", "Value");
        metrics.forEach((name, value) -> out.printf("%-" + width + "s : %.3f%n", name, value));
    }
}
