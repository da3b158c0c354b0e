package io.sluice.tools.configs;

import com.beust.jcommander.Parameter;
import io.sluice.client.admin.Admin;
import io.sluice.client.admin.AlterConfigOp;
import io.sluice.client.admin.ConfigEntry;
import io.sluice.client.admin.ConfigResource;
import io.sluice.tools.Command;
import io.sluice.tools.CommonOptions;
import io.sluice.tools.Usage;
import io.sluice.tools.UsageException;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * {@code ./sluice configs}: describe and alter topic (and broker) configs with the flags and output of
 * Kafka's {@code kafka-configs.sh}: {@code --entity-type topics --entity-name t --describe [--all]}, and
 * {@code --alter --add-config k=v,k2=[a,b] --delete-config k}.
 */
public final class ConfigsCommand implements Command {
    private final PrintStream out;
    private final Function<Map<String, Object>, Admin> adminFactory;

    /** The options, named as kafka-configs.sh names them. */
    static final class Options extends CommonOptions {
        @Parameter(names = "--bootstrap-server", description = "A broker to connect to, host:port")
        String bootstrapServer = "localhost:9092";
        @Parameter(names = "--command-config", description = "Admin client properties file")
        String commandConfig;
        @Parameter(names = "--describe", description = "Show the configs of the entity")
        boolean describe;
        @Parameter(names = "--alter", description = "Change the configs of the entity")
        boolean alter;
        @Parameter(names = "--all", description = "With --describe: every config, defaults included")
        boolean all;
        @Parameter(names = "--entity-type", description = "topics or brokers")
        String entityType;
        @Parameter(names = "--entity-name", description = "The topic name or broker id")
        String entityName;
        @Parameter(names = "--topic", description = "Shorthand for --entity-type topics --entity-name TOPIC")
        String topic;
        @Parameter(names = "--broker", description = "Shorthand for --entity-type brokers --entity-name ID")
        String broker;
        @Parameter(names = "--add-config", description = "k=v,k2=v2 to set (a value with commas in [brackets])")
        String addConfig;
        @Parameter(names = "--delete-config", description = "k,k2 to remove")
        String deleteConfig;
    }

    public ConfigsCommand() {
        this(System.out, Admin::create);
    }

    ConfigsCommand(PrintStream out, Function<Map<String, Object>, Admin> adminFactory) {
        this.out = out;
        this.adminFactory = adminFactory;
    }

    @Override
    public String name() {
        return "configs";
    }

    @Override
    public String summary() {
        return "Describe and alter topic configs (like kafka-configs.sh)";
    }

    @Override
    public List<String> examples() {
        return List.of("./sluice configs --describe --entity-type topics --entity-name events --bootstrap-server localhost:9092",
                "./sluice configs --alter --entity-type topics --entity-name events --add-config retention.ms=86400000 "
                        + "--bootstrap-server localhost:9092");
    }

    @Override
    public int run(String[] args) throws Exception {
        Options o = new Options();
        if (!Usage.parse(this, o, args)) {
            return 0;
        }
        ConfigResource resource = resource(o);
        List<AlterConfigOp> ops = changes(o);
        ClientOptions.requireReachable(o.bootstrapServer);
        try (Admin admin = adminFactory.apply(ClientOptions.adminProps(o.bootstrapServer,
                ClientOptions.loadFile(o.commandConfig, "--command-config")))) {
            if (o.describe) {
                List<ConfigEntry> entries = ClientOptions.await(admin.describeConfigs(List.of(resource)))
                        .getOrDefault(resource, List.of());
                print(resource, entries, o.all, out);
            } else {
                ClientOptions.await(admin.incrementalAlterConfigs(Map.of(resource, ops)));
                out.println("Completed updating config for " + kind(resource) + " " + resource.name() + ".");
            }
        }
        return 0;
    }

    /** Which entity the flags name; refuses anything incomplete before a request is sent. */
    static ConfigResource resource(Options o) {
        if (o.describe == o.alter) {
            throw new UsageException("give exactly one action: --describe or --alter");
        }
        String type = o.entityType;
        String name = o.entityName;
        if (o.topic != null) {
            type = "topics";
            name = o.topic;
        } else if (o.broker != null) {
            type = "brokers";
            name = o.broker;
        }
        if (type == null) {
            throw new UsageException("--entity-type is required: topics or brokers (or --topic / --broker)");
        }
        if (name == null) {
            throw new UsageException("--entity-name is required (or --topic / --broker)");
        }
        switch (type) {
            case "topics":
                ClientOptions.validateTopicName(name);
                return ConfigResource.topic(name);
            case "brokers":
                return new ConfigResource(ConfigResource.Type.BROKER, name);
            default:
                throw new UsageException("--entity-type " + type + " is not supported; use topics or brokers");
        }
    }

    static List<AlterConfigOp> changes(Options o) {
        List<AlterConfigOp> ops = new ArrayList<>();
        if (!o.alter) {
            return ops;
        }
        ClientOptions.parseConfigList(o.addConfig, "--add-config").forEach((k, v) -> ops.add(AlterConfigOp.set(k, v)));
        if (o.deleteConfig != null) {
            Arrays.stream(o.deleteConfig.split(",")).map(String::trim).filter(k -> !k.isEmpty())
                    .forEach(k -> ops.add(AlterConfigOp.delete(k)));
        }
        if (ops.isEmpty()) {
            throw new UsageException("--alter needs --add-config or --delete-config");
        }
        return ops;
    }

    /** Prints the entries in kafka-configs.sh's layout. */
    static void print(ConfigResource resource, List<ConfigEntry> entries, boolean all, PrintStream out) {
        out.println((all ? "All" : "Dynamic") + " configs for " + kind(resource) + " " + resource.name() + " are:");
        for (ConfigEntry e : entries) {
            if (!all && !e.isOverride() && resource.type() == ConfigResource.Type.TOPIC) {
                continue;
            }
            String value = e.sensitive() ? "null" : e.value();
            out.println("  " + e.name() + "=" + value + " sensitive=" + e.sensitive() + " synonyms={"
                    + e.source() + ":" + e.name() + "=" + value + "}");
        }
    }

    private static String kind(ConfigResource resource) {
        return resource.type() == ConfigResource.Type.TOPIC ? "topic" : "broker";
    }
}
