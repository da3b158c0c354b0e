package io.sluice.tools.console;

import com.beust.jcommander.Parameter;
import io.sluice.client.producer.Producer;
import io.sluice.client.producer.ProducerRecord;
import io.sluice.protocol.ErrorCode;
import io.sluice.protocol.SluiceException;
import io.sluice.tools.Command;
import io.sluice.tools.CommonOptions;
import io.sluice.tools.Usage;
import io.sluice.tools.configs.ClientOptions;
import io.sluice.tools.configs.NoSplitter;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * {@code ./sluice console-producer}: sends one record per line of standard input, with the flags of
 * Kafka's {@code kafka-console-producer.sh}. Records whose send finally fails are named on standard
 * error (line number and the start of the line) and make the command exit non-zero.
 */
public final class ConsoleProducerCommand implements Command {
    private final InputStream in;
    private final PrintStream err;

    /** The options, named as kafka-console-producer.sh names them. */
    static final class Options extends CommonOptions {
        @Parameter(names = {"--bootstrap-server", "--broker-list"}, description = "A broker to connect to, host:port")
        String bootstrapServer = "localhost:9092";
        @Parameter(names = "--topic", description = "The topic to produce to", required = true)
        String topic;
        @Parameter(names = "--property", splitter = NoSplitter.class, description = "Line reader property: parse.key, key.separator, ignore.error")
        List<String> properties = new ArrayList<>();
        @Parameter(names = "--producer-property", splitter = NoSplitter.class, description = "A producer config key=value; repeatable")
        List<String> producerProperties = new ArrayList<>();
        @Parameter(names = "--producer.config", description = "Producer properties file")
        String producerConfig;
        @Parameter(names = "--request-required-acks", description = "acks: -1/all, 0 or 1")
        String acks = "-1";
        @Parameter(names = "--compression-codec", description = "none, gzip, snappy, lz4 or zstd")
        String compression;
        @Parameter(names = "--batch-size", description = "Records per batch to aim for")
        Integer batchSize;
        @Parameter(names = "--timeout", description = "linger.ms: how long a record waits for its batch to fill")
        Integer lingerMs = 1000;
        @Parameter(names = "--sync", description = "Send each record and wait for it before reading the next line")
        boolean sync;
        @Parameter(names = "--max-block-ms", description = "How long a send may wait for metadata or memory")
        Long maxBlockMs;
        @Parameter(names = "--request-timeout-ms", description = "How long to wait for a broker's answer")
        Integer requestTimeoutMs;
    }

    public ConsoleProducerCommand() {
        this(System.in, System.err);
    }

    ConsoleProducerCommand(InputStream in, PrintStream err) {
        this.in = in;
        this.err = err;
    }

    @Override
    public String name() {
        return "console-producer";
    }

    @Override
    public String summary() {
        return "Send lines of standard input as records (like kafka-console-producer.sh)";
    }

    @Override
    public List<String> examples() {
        return List.of("./sluice console-producer --topic events --bootstrap-server localhost:9092",
                "seq 1000 | ./sluice console-producer --topic events --producer-property acks=all --bootstrap-server localhost:9092");
    }

    @Override
    public int run(String[] args) throws Exception {
        Options o = new Options();
        if (!Usage.parse(this, o, args)) {
            return 0;
        }
        ClientOptions.validateTopicName(o.topic);
        LineReader reader = new LineReader(ClientOptions.parsePairs(o.properties, "--property"));
        ClientOptions.requireReachable(o.bootstrapServer);
        try (Producer<byte[], byte[]> producer = Producer.ofBytes(producerProps(o))) {
            producer.partitionsFor(o.topic); // an unknown topic fails here, before any input is read
            return send(producer, reader, o);
        }
    }

    static Map<String, Object> producerProps(Options o) {
        Map<String, Object> props = new LinkedHashMap<>();
        props.put("bootstrap.servers", o.bootstrapServer);
        props.put("client.id", "console-producer");
        props.put("acks", o.acks);
        props.put("linger.ms", o.lingerMs);
        props.put("max.block.ms", ClientOptions.TOOL_TIMEOUT_MS);
        if (o.compression != null) {
            props.put("compression.type", o.compression);
        }
        if (o.batchSize != null) {
            props.put("batch.size", o.batchSize);
        }
        if (o.maxBlockMs != null) {
            props.put("max.block.ms", o.maxBlockMs);
        }
        if (o.requestTimeoutMs != null) {
            props.put("request.timeout.ms", o.requestTimeoutMs);
        }
        props.putAll(ClientOptions.loadFile(o.producerConfig, "--producer.config"));
        props.putAll(ClientOptions.parsePairs(o.producerProperties, "--producer-property"));
        return props;
    }

    private int send(Producer<byte[], byte[]> producer, LineReader reader, Options o) throws Exception {
        ConcurrentLinkedQueue<Failure> failures = new ConcurrentLinkedQueue<>();
        BufferedReader lines = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
        long lineNumber = 0;
        for (String line; (line = lines.readLine()) != null; ) {
            lineNumber++;
            LineReader.KeyValue kv = reader.parse(line, lineNumber);
            long n = lineNumber;
            String text = line;
            var future = producer.send(new ProducerRecord<>(o.topic, kv.key(), kv.value()), (md, e) -> {
                if (e != null) {
                    failures.add(new Failure(n, text, e));
                }
            });
            if (o.sync) {
                try {
                    future.join();
                } catch (RuntimeException ignored) {
                    // reported through the callback
                }
            }
        }
        producer.flush();
        return report(new ArrayList<>(failures), lineNumber);
    }

    /** A record that was not written. */
    record Failure(long line, String text, Exception error) {
        String describe() {
            String preview = text.length() > 40 ? text.substring(0, 40) + "..." : text;
            return "line " + line + " ('" + preview + "'): " + error.getMessage();
        }
    }

    private int report(List<Failure> failures, long total) {
        if (failures.isEmpty()) {
            return 0;
        }
        failures.sort((a, b) -> Long.compare(a.line(), b.line()));
        ErrorCode code = failures.get(0).error() instanceof SluiceException s ? s.code() : ErrorCode.UNKNOWN_SERVER_ERROR;
        if (failures.size() == 1) {
            throw new SluiceException(code, "the record on " + failures.get(0).describe() + " was not written");
        }
        for (Failure f : failures) {
            err.println("Not written: " + f.describe());
        }
        throw new SluiceException(code, failures.size() + " of " + total + " records were not written (listed above)");
    }

    /** For tests: the options after parsing, without sending anything. */
    static Options parse(String... args) {
        Options o = new Options();
        Usage.parser("./sluice console-producer", o).parse(args);
        return o;
    }
}
