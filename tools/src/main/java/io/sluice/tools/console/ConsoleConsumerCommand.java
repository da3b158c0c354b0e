package io.sluice.tools.console;

import com.beust.jcommander.Parameter;
import io.sluice.client.PartitionInfo;
import io.sluice.protocol.TopicPartition;
import io.sluice.client.consumer.Consumer;
import io.sluice.client.consumer.ConsumerRecord;
import io.sluice.client.consumer.ConsumerRecords;
import io.sluice.protocol.ErrorCode;
import io.sluice.protocol.SluiceException;
import io.sluice.tools.Command;
import io.sluice.tools.CommonOptions;
import io.sluice.tools.Usage;
import io.sluice.tools.UsageException;
import io.sluice.tools.configs.ClientOptions;
import io.sluice.tools.configs.NoSplitter;
import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * {@code ./sluice console-consumer}: prints records of a topic, with the flags and output of Kafka's
 * {@code kafka-console-consumer.sh}. With {@code --group} it joins that consumer group: it reads the
 * partitions the group assigns it, starting from the group's committed offsets, and commits as it goes.
 * Without, it reads every partition of the topic, or the one named by {@code --partition}.
 */
public final class ConsoleConsumerCommand implements Command {
    private final PrintStream out;
    private final PrintStream err;

    /** The options, named as kafka-console-consumer.sh names them. */
    static final class Options extends CommonOptions {
        @Parameter(names = "--bootstrap-server", description = "A broker to connect to, host:port")
        String bootstrapServer = "localhost:9092";
        @Parameter(names = "--topic", description = "The topic to consume", required = true)
        String topic;
        @Parameter(names = "--from-beginning", description = "Start with the earliest record rather than the latest")
        boolean fromBeginning;
        @Parameter(names = "--partition", description = "Consume only this partition")
        Integer partition;
        @Parameter(names = "--offset", description = "With --partition: earliest, latest or an offset")
        String offset;
        @Parameter(names = "--max-messages", description = "Exit after this many records")
        Long maxMessages;
        @Parameter(names = "--timeout-ms", description = "Exit when no record arrives for this long")
        Long timeoutMs;
        @Parameter(names = "--property", splitter = NoSplitter.class, description = "Formatter property, e.g. print.key=true; repeatable")
        List<String> properties = new ArrayList<>();
        @Parameter(names = "--consumer-property", splitter = NoSplitter.class, description = "A consumer config key=value; repeatable")
        List<String> consumerProperties = new ArrayList<>();
        @Parameter(names = "--consumer.config", description = "Consumer properties file")
        String consumerConfig;
        @Parameter(names = "--group", description = "The consumer group to join: its members share the partitions, "
                + "and it starts from (and commits) the group's offsets")
        String group;
    }

    public ConsoleConsumerCommand() {
        this(System.out, System.err);
    }

    ConsoleConsumerCommand(PrintStream out, PrintStream err) {
        this.out = out;
        this.err = err;
    }

    @Override
    public String name() {
        return "console-consumer";
    }

    @Override
    public String summary() {
        return "Print the records of a topic (like kafka-console-consumer.sh)";
    }

    @Override
    public List<String> examples() {
        return List.of("./sluice console-consumer --topic events --from-beginning --bootstrap-server localhost:9092",
                "./sluice console-consumer --topic events --group my-group --timeout-ms 5000 --bootstrap-server localhost:9092");
    }

    @Override
    public int run(String[] args) throws Exception {
        Options o = new Options();
        if (!Usage.parse(this, o, args)) {
            return 0;
        }
        check(o);
        RecordFormatter formatter = new RecordFormatter(ClientOptions.parsePairs(o.properties, "--property"));
        AtomicLong count = new AtomicLong();
        AtomicBoolean reported = new AtomicBoolean();
        Runnable report = () -> {
            if (reported.compareAndSet(false, true)) {
                err.println("Processed a total of " + count.get() + " messages");
            }
        };
        // Ctrl-C is the usual way to stop it; Kafka's prints the total then too. An error ends it with
        // its own single line instead.
        Thread hook = new Thread(report, "console-consumer-total");
        Runtime.getRuntime().addShutdownHook(hook);
        ClientOptions.requireReachable(o.bootstrapServer);
        try (Consumer<byte[], byte[]> consumer = Consumer.ofBytes(consumerProps(o))) {
            List<TopicPartition> partitions = partitions(consumer, o);
            if (o.group != null) {
                consumer.subscribe(List.of(o.topic));
            } else {
                consumer.assign(partitions);
                position(consumer, partitions, o);
            }
            consume(consumer, formatter, o, count);
            report.run();
        } finally {
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException shuttingDown) {
                // the hook is running or has run
            }
        }
        return 0;
    }

    private void consume(Consumer<byte[], byte[]> consumer, RecordFormatter formatter, Options o, AtomicLong count) {
        long lastRecordMs = System.currentTimeMillis();
        while (o.maxMessages == null || count.get() < o.maxMessages) {
            ConsumerRecords<byte[], byte[]> records = consumer.poll(Duration.ofMillis(200));
            long now = System.currentTimeMillis();
            if (!records.isEmpty()) {
                lastRecordMs = now;
            }
            Map<TopicPartition, Long> unprinted = new HashMap<>();
            for (ConsumerRecord<byte[], byte[]> r : records) {
                if (o.maxMessages != null && count.get() >= o.maxMessages) {
                    unprinted.putIfAbsent(r.topicPartition(), r.offset());
                    continue;
                }
                formatter.write(r, out);
                count.incrementAndGet();
            }
            // Stopping inside a poll's records: the position goes back to the first record not printed,
            // so the group's commit on close covers exactly what was printed.
            unprinted.forEach(consumer::seek);
            out.flush();
            if (o.timeoutMs != null && now - lastRecordMs >= o.timeoutMs) {
                return;
            }
        }
    }

    /** Parses and checks the flags before anything is sent. */
    static Options parse(String... args) {
        Options o = new Options();
        Usage.parser("./sluice console-consumer", o).parse(args);
        check(o);
        return o;
    }

    private static void check(Options o) {
        if (o.group != null && o.group.isEmpty()) {
            throw new UsageException("the group id is empty; give one with --group");
        }
        if (o.group != null && o.partition != null) {
            throw new UsageException("--group and --partition cannot be used together");
        }
        ClientOptions.validateTopicName(o.topic);
        if (o.offset != null && o.partition == null) {
            throw new UsageException("--offset needs --partition");
        }
        if (o.offset != null && o.fromBeginning) {
            throw new UsageException("--from-beginning and --offset cannot be used together");
        }
        if (o.offset != null && !o.offset.equals("earliest") && !o.offset.equals("latest")) {
            try {
                if (Long.parseLong(o.offset) < 0) {
                    throw new NumberFormatException();
                }
            } catch (NumberFormatException e) {
                throw new UsageException("--offset must be earliest, latest or a non-negative number, not '" + o.offset + "'");
            }
        }
        if (o.partition != null && o.partition < 0) {
            throw new UsageException("--partition must be at least 0, not " + o.partition);
        }
        if (o.maxMessages != null && o.maxMessages <= 0) {
            throw new UsageException("--max-messages must be greater than 0");
        }
    }

    static Map<String, Object> consumerProps(Options o) {
        Map<String, Object> props = new LinkedHashMap<>();
        props.put("bootstrap.servers", o.bootstrapServer);
        props.put("client.id", "console-consumer");
        props.put("default.api.timeout.ms", ClientOptions.TOOL_TIMEOUT_MS);
        props.put("auto.offset.reset", o.fromBeginning ? "earliest" : "latest");
        if (o.group != null) {
            props.put("group.id", o.group);
        }
        props.putAll(ClientOptions.loadFile(o.consumerConfig, "--consumer.config"));
        props.putAll(ClientOptions.parsePairs(o.consumerProperties, "--consumer-property"));
        return props;
    }

    private static List<TopicPartition> partitions(Consumer<byte[], byte[]> consumer, Options o) {
        List<PartitionInfo> infos = consumer.partitionsFor(o.topic);
        if (infos.isEmpty()) {
            throw ClientOptions.unknownTopic(o.topic);
        }
        if (o.partition != null) {
            if (o.partition >= infos.size()) {
                throw new SluiceException(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, "topic '" + o.topic + "' has "
                        + infos.size() + " partition(s); partition " + o.partition + " does not exist");
            }
            return List.of(new TopicPartition(o.topic, o.partition));
        }
        return infos.stream().map(PartitionInfo::topicPartition).toList();
    }

    private static void position(Consumer<byte[], byte[]> consumer, List<TopicPartition> partitions, Options o) {
        if (o.offset == null) {
            return;
        }
        switch (o.offset) {
            case "earliest" -> consumer.seekToBeginning(partitions);
            case "latest" -> consumer.seekToEnd(partitions);
            default -> consumer.seek(partitions.get(0), Long.parseLong(o.offset));
        }
    }
}
