package io.sluice.tools.configs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.beust.jcommander.JCommander;
import io.sluice.client.admin.AlterConfigOp;
import io.sluice.client.admin.ConfigEntry;
import io.sluice.client.admin.ConfigResource;
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
class ConfigsCommandTest {
    private static ConfigsCommand.Options parse(String... args) {
        ConfigsCommand.Options o = new ConfigsCommand.Options();
        JCommander.newBuilder().addObject(o).build().parse(args);
        return o;
    }

    @Test
    void entityFlagsNameTheResource() {
        assertEquals(ConfigResource.topic("t"), ConfigsCommand.resource(parse("--describe", "--entity-type", "topics", "--entity-name", "t")));
        assertEquals(ConfigResource.topic("t"), ConfigsCommand.resource(parse("--describe", "--topic", "t")));
        assertEquals(new ConfigResource(ConfigResource.Type.BROKER, "1"), ConfigsCommand.resource(parse("--describe", "--broker", "1")));
        assertThrows(UsageException.class, () -> ConfigsCommand.resource(parse("--describe", "--entity-name", "t")));
        assertThrows(UsageException.class, () -> ConfigsCommand.resource(parse("--describe", "--alter", "--topic", "t")));
        assertTrue(assertThrows(UsageException.class, () -> ConfigsCommand.resource(parse("--describe",
                "--entity-type", "users", "--entity-name", "u"))).getMessage().contains("not supported"));
    }

    @Test
    void addAndDeleteConfigBecomeIncrementalOps() {
        List<AlterConfigOp> ops = ConfigsCommand.changes(parse("--alter", "--topic", "t",
                "--add-config", "retention.ms=1000,cleanup.policy=[compact,delete]", "--delete-config", "segment.ms,flush.ms"));
        assertEquals(List.of(AlterConfigOp.set("retention.ms", "1000"), AlterConfigOp.set("cleanup.policy", "compact,delete"),
                AlterConfigOp.delete("segment.ms"), AlterConfigOp.delete("flush.ms")), ops);
        assertThrows(UsageException.class, () -> ConfigsCommand.changes(parse("--alter", "--topic", "t")));
        assertThrows(UsageException.class, () -> ClientOptions.parseConfigList("retention.ms", "--add-config"));
        assertEquals(Map.of("a", "1"), ClientOptions.parseConfigList("a=1", "--add-config"));
    }

    @Test
    void describeOutputFollowsKafkaConfigs() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        List<ConfigEntry> entries = List.of(
                new ConfigEntry("retention.ms", "1000", ConfigEntry.Source.DYNAMIC_TOPIC_CONFIG, false, false),
                new ConfigEntry("segment.bytes", "1073741824", ConfigEntry.Source.DEFAULT_CONFIG, false, false));
        ConfigsCommand.print(ConfigResource.topic("t"), entries, false, new PrintStream(bytes, true, StandardCharsets.UTF_8));
        assertEquals("Dynamic configs for topic t are:\n"
                + "  retention.ms=1000 sensitive=false synonyms={DYNAMIC_TOPIC_CONFIG:retention.ms=1000}\n",
                bytes.toString(StandardCharsets.UTF_8).replace(System.lineSeparator(), "\n"));
        bytes.reset();
        ConfigsCommand.print(ConfigResource.topic("t"), entries, true, new PrintStream(bytes, true, StandardCharsets.UTF_8));
        assertTrue(bytes.toString(StandardCharsets.UTF_8).startsWith("All configs for topic t are:"));
        assertTrue(bytes.toString(StandardCharsets.UTF_8).contains("segment.bytes=1073741824 sensitive=false synonyms={DEFAULT_CONFIG:segment.bytes=1073741824}"));
    }

    @Test
    void topicNamesAreCheckedAsKafkaDoes() {
        ClientOptions.validateTopicName("orders.v2_eu-1");
        assertThrows(UsageException.class, () -> ClientOptions.validateTopicName(".."));
        assertThrows(UsageException.class, () -> ClientOptions.validateTopicName("a/b"));
        assertThrows(UsageException.class, () -> ClientOptions.validateTopicName(""));
    }
}
