package io.sluice.tools.perf;

import com.beust.jcommander.Parameter;
import io.sluice.client.PartitionInfo;
import io.sluice.protocol.TopicPartition;
import io.sluice.client.consumer.Consumer;
import io.sluice.client.consumer.ConsumerRecord;
import io.sluice.client.consumer.ConsumerRecords;
import io.sluice.client.consumer.ConsumerRebalanceListener;
import io.sluice.tools.Command;
import io.sluice.tools.CommonOptions;
import io.sluice.tools.Usage;
import io.sluice.tools.UsageException;
import io.sluice.tools.configs.ClientOptions;
import java.io.PrintStream;
import java.text.SimpleDateFormat;
import java.time.Duration;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code ./sluice consumer-perf-test}: Kafka's {@code kafka-consumer-perf-test.sh} for Sluice, same flags
 * and output. It reads every partition of the topic from the earliest offset (or the latest with
 * {@code --from-latest}) with 100 ms polls until {@code --messages} records or {@code --timeout} ms
 * without a record, counting key and value bytes as Kafka does. With {@code --group} (or a group.id in
 * {@code --consumer.config}) it subscribes as a member of that group, and rebalance.time.ms is the time
 * until its first assignment; without, it assigns itself every partition.
 */
public final class ConsumerPerfCommand implements Command {
    private final PrintStream out;
    private final PrintStream err;

    /** The options, named as kafka-consumer-perf-test.sh names them. */
    static final class Options extends CommonOptions {
        @Parameter(names = "--bootstrap-server", description = "A broker to connect to, host:port")
        String bootstrapServer = "localhost:9092";
        @Parameter(names = "--topic", description = "The topic to consume", required = true)
        String topic;
        @Parameter(names = "--messages", description = "How many records to consume", required = true)
        Long messages;
        @Parameter(names = "--group", description = "The consumer group to join (subscribe) instead of assigning every partition")
        String group;
        @Parameter(names = "--timeout", description = "Most ms allowed between returned records")
        long timeoutMs = 10_000;
        @Parameter(names = "--fetch-size", description = "max.partition.fetch.bytes")
        int fetchSize = 1024 * 1024;
        @Parameter(names = "--from-latest", description = "Start at the latest offset instead of the earliest")
        boolean fromLatest;
        @Parameter(names = "--consumer.config", description = "Consumer properties file")
        String consumerConfig;
        @Parameter(names = "--show-detailed-stats", description = "A line per --reporting-interval instead of a summary")
        boolean detailed;
        @Parameter(names = "--reporting-interval", description = "ms between detailed lines")
        long reportingIntervalMs = 5000;
        @Parameter(names = "--date-format", description = "SimpleDateFormat of the time columns")
        String dateFormat = "yyyy-MM-dd HH:mm:ss:SSS";
        @Parameter(names = "--hide-header", description = "Do not print the header line")
        boolean hideHeader;
        @Parameter(names = "--socket-buffer-size", description = "Accepted for compatibility; not used")
        Integer socketBufferSize;
    }

    public ConsumerPerfCommand() {
        this(System.out, System.err);
    }

    ConsumerPerfCommand(PrintStream out, PrintStream err) {
        this.out = out;
        this.err = err;
    }

    @Override
    public String name() {
        return "consumer-perf-test";
    }

    @Override
    public String summary() {
        return "Measure consumer throughput (like kafka-consumer-perf-test.sh)";
    }

    @Override
    public List<String> examples() {
        return List.of("./sluice consumer-perf-test --topic perf --messages 1000000 --bootstrap-server localhost:9092");
    }

    @Override
    public int run(String[] args) throws Exception {
        Options o = new Options();
        if (!Usage.parse(this, o, args)) {
            return 0;
        }
        Map<String, Object> props = props(o);
        ClientOptions.requireReachable(String.valueOf(props.get("bootstrap.servers")));
        SimpleDateFormat dateFormat;
        try {
            dateFormat = new SimpleDateFormat(o.dateFormat);
        } catch (IllegalArgumentException e) {
            throw new UsageException("--date-format '" + o.dateFormat + "' is not a SimpleDateFormat pattern: " + e.getMessage());
        }
        ConsumerPerfReport report = new ConsumerPerfReport(dateFormat, out);
        if (!o.hideHeader) {
            report.header(o.detailed);
        }
        long startMs = System.currentTimeMillis();
        long bytes = 0;
        long messages = 0;
        long[] rebalanceMs = {0};
        try (Consumer<byte[], byte[]> consumer = Consumer.ofBytes(props)) {
            List<PartitionInfo> partitions = consumer.partitionsFor(o.topic);
            if (partitions.isEmpty()) {
                throw ClientOptions.unknownTopic(o.topic);
            }
            String group = (String) props.getOrDefault("group.id", "");
            if (group.isEmpty()) {
                consumer.assign(partitions.stream().map(PartitionInfo::topicPartition).toList());
            } else {
                long joinStartMs = System.currentTimeMillis();
                consumer.subscribe(List.of(o.topic), new ConsumerRebalanceListener() {
                    @Override
                    public void onPartitionsRevoked(Collection<TopicPartition> revoked) {
                    }

                    @Override
                    public void onPartitionsAssigned(Collection<TopicPartition> assigned) {
                        if (rebalanceMs[0] == 0) {
                            rebalanceMs[0] = System.currentTimeMillis() - joinStartMs;
                        }
                    }
                });
            }
            long now = System.currentTimeMillis();
            long lastReportMs = now;
            long lastConsumedMs = now;
            long lastBytes = 0;
            long lastMessages = 0;
            while (messages < o.messages && now - lastConsumedMs <= o.timeoutMs) {
                ConsumerRecords<byte[], byte[]> records = consumer.poll(Duration.ofMillis(100));
                now = System.currentTimeMillis();
                if (!records.isEmpty()) {
                    lastConsumedMs = now;
                }
                for (ConsumerRecord<byte[], byte[]> r : records) {
                    messages++;
                    bytes += (r.key() == null ? 0 : r.key().length) + (r.value() == null ? 0 : r.value().length);
                    if (now - lastReportMs >= o.reportingIntervalMs) {
                        if (o.detailed) {
                            report.progress(bytes, lastBytes, messages, lastMessages, lastReportMs, now);
                        }
                        lastReportMs = now;
                        lastBytes = bytes;
                        lastMessages = messages;
                    }
                }
            }
        }
        if (messages < o.messages) {
            out.printf("WARNING: Exiting before consuming the expected number of messages: timeout (%d ms) exceeded. "
                    + "You can use the --timeout option to increase the timeout.%n", o.timeoutMs);
        }
        long endMs = System.currentTimeMillis();
        if (!o.detailed) {
            report.summary(startMs, endMs, bytes, messages, rebalanceMs[0]);
        }
        return 0;
    }

    static Map<String, Object> props(Options o) {
        if (o.messages <= 0) {
            throw new UsageException("--messages should be greater than zero");
        }
        ClientOptions.validateTopicName(o.topic);
        Map<String, Object> props = new LinkedHashMap<>();
        props.put("bootstrap.servers", o.bootstrapServer);
        props.put("default.api.timeout.ms", ClientOptions.TOOL_TIMEOUT_MS);
        props.putAll(ClientOptions.loadFile(o.consumerConfig, "--consumer.config"));
        props.put("max.partition.fetch.bytes", o.fetchSize);
        props.put("auto.offset.reset", o.fromLatest ? "latest" : "earliest");
        props.put("check.crcs", false);
        props.putIfAbsent("client.id", "perf-consumer-client");
        if (o.group != null) {
            props.put("group.id", o.group);
        }
        return props;
    }
}
