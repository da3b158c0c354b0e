package io.sluice.tools.console;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sluice.client.consumer.ConsumerRecord;
import io.sluice.protocol.record.Header;
import io.sluice.protocol.record.TimestampType;
import io.sluice.tools.UsageException;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 10, unit = TimeUnit.SECONDS)
class ConsoleCommandsTest {
    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static String format(Map<String, String> props, ConsumerRecord<byte[], byte[]> r) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        new RecordFormatter(props).write(r, new PrintStream(bytes, true, StandardCharsets.UTF_8));
        return bytes.toString(StandardCharsets.UTF_8);
    }

    @Test
    void lineReaderSplitsKeysLikeKafka() {
        LineReader reader = new LineReader(Map.of("parse.key", "true", "key.separator", ":"));
        LineReader.KeyValue kv = reader.parse("user1:hello:world", 1);
        assertArrayEquals(b("user1"), kv.key());
        assertArrayEquals(b("hello:world"), kv.value());
        assertEquals("No key separator found on line number 7: 'novalue'",
                assertThrows(UsageException.class, () -> reader.parse("novalue", 7)).getMessage());
        LineReader plain = new LineReader(Map.of());
        assertNull(plain.parse("a:b", 1).key());
        assertTrue(assertThrows(UsageException.class, () -> new LineReader(Map.of("parse.keys", "true")))
                .getMessage().contains("unknown --property 'parse.keys'"));
    }

    @Test
    void formatterPrintsFieldsInKafkasOrder() {
        ConsumerRecord<byte[], byte[]> r = new ConsumerRecord<>("t", 2, 41, 1700000000000L, TimestampType.CREATE_TIME,
                b("k"), b("v"), List.of(new Header("h1", b("x"))), 1, 1);
        assertEquals("v\n", format(Map.of(), r));
        assertEquals("k\tv\n", format(Map.of("print.key", "true"), r));
        assertEquals("CreateTime:1700000000000\tPartition:2\tOffset:41\th1:x\tk\tv\n", format(Map.of("print.timestamp", "true",
                "print.partition", "true", "print.offset", "true", "print.headers", "true", "print.key", "true"), r));
        // key.separator separates every column, as in Kafka's DefaultMessageFormatter.
        assertEquals("Offset:41|k|v\n", format(Map.of("print.offset", "true", "print.key", "true", "key.separator", "|"), r));
        ConsumerRecord<byte[], byte[]> nullKey = new ConsumerRecord<>("t", 0, 0, 5, TimestampType.LOG_APPEND_TIME,
                null, b("v"), List.of(), -1, 1);
        assertEquals("LogAppendTime:5\tnull\tv\n", format(Map.of("print.timestamp", "true", "print.key", "true"), nullKey));
        assertEquals("NO_HEADERS\tv\n", format(Map.of("print.headers", "true"), nullKey));
    }

    @Test
    void consoleConsumerRefusesGroupsAndBadOffsets() {
        assertEquals("--group and --partition cannot be used together", assertThrows(UsageException.class,
                () -> ConsoleConsumerCommand.parse("--topic", "t", "--group", "g", "--partition", "0")).getMessage());
        assertEquals("g", ConsoleConsumerCommand.consumerProps(ConsoleConsumerCommand.parse("--topic", "t", "--group", "g"))
                .get("group.id"));
        assertEquals("--offset needs --partition",
                assertThrows(UsageException.class, () -> ConsoleConsumerCommand.parse("--topic", "t", "--offset", "5")).getMessage());
        assertThrows(UsageException.class, () -> ConsoleConsumerCommand.parse("--topic", "t", "--partition", "0", "--offset", "x"));
        assertThrows(UsageException.class, () -> ConsoleConsumerCommand.parse("--topic", "bad topic"));
        ConsoleConsumerCommand.Options o = ConsoleConsumerCommand.parse("--topic", "t", "--from-beginning",
                "--consumer-property", "fetch.min.bytes=10");
        Map<String, Object> props = ConsoleConsumerCommand.consumerProps(o);
        assertEquals("earliest", props.get("auto.offset.reset"));
        assertEquals("10", props.get("fetch.min.bytes"));
    }

    @Test
    void consoleProducerMapsKafkaFlagsToProducerConfigs() {
        ConsoleProducerCommand.Options o = ConsoleProducerCommand.parse("--broker-list", "h:9093", "--topic", "t",
                "--request-required-acks", "1", "--producer-property", "linger.ms=0", "--compression-codec", "lz4");
        Map<String, Object> props = ConsoleProducerCommand.producerProps(o);
        assertEquals("h:9093", props.get("bootstrap.servers"));
        assertEquals("1", props.get("acks"));
        assertEquals("0", props.get("linger.ms"));
        assertEquals("lz4", props.get("compression.type"));
    }
}
