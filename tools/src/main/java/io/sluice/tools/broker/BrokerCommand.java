package io.sluice.tools.broker;

import com.beust.jcommander.Parameter;
import io.sluice.server.Node;
import io.sluice.server.NodeConfig;
import io.sluice.tools.Command;
import io.sluice.tools.CommonOptions;
import io.sluice.tools.Usage;
import io.sluice.tools.configs.NoSplitter;
import io.sluice.tools.UsageException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code ./sluice broker ...}: runs one node in the foreground until SIGTERM or Ctrl-C, which trigger a
 * controlled shutdown. Settings come from {@code --config FILE} (the keys of config/server.properties),
 * with {@code --env} from {@code SLUICE_*} environment variables (how a container is configured), and
 * from flags, in that order, later ones winning. One setting is the tool's rather than the node's: {@code log.level} sets
 * the level of the node's log (its root logger) before the node starts.
 */
public final class BrokerCommand implements Command {
    /** The setting that sets the level of the node's log; not a {@link NodeConfig} key. */
    public static final String LOG_LEVEL = "log.level";
    /** Prefix of the environment variables that {@code --env} reads as settings. */
    public static final String ENV_PREFIX = "SLUICE_";
    /** Variables of bin/sluice itself (JVM options, log directory), never settings. */
    static final Set<String> LAUNCHER_VARIABLES = Set.of("SLUICE_HEAP_OPTS", "SLUICE_OPTS", "SLUICE_LOG_DIR");

    static final class Options extends CommonOptions {
        @Parameter(names = "--config", description = "A properties file with the keys of config/server.properties")
        String config;
        @Parameter(names = "--node-id", description = "This node's id, one of the ids in --voters")
        Integer nodeId;
        @Parameter(names = "--listen", description = "host:port of the data plane (clients and other nodes)")
        String listen;
        @Parameter(names = "--raft-address", description = "host:port of this node's Raft endpoint")
        String raftAddress;
        @Parameter(names = "--voters", description = "The metadata quorum: id@host:port,...")
        String voters;
        @Parameter(names = "--data-dir", description = "Directory of this node's metadata and logs")
        String dataDir;
        @Parameter(names = "--cluster-id", description = "Cluster id (default: derived from --voters)")
        String clusterId;
        @Parameter(names = "--env", description = "Also read settings from environment variables " + ENV_PREFIX
                + "<KEY> (as in containers: " + ENV_PREFIX + "NODE_ID is node.id), winning over --config")
        boolean env;
        @Parameter(names = "--override", splitter = NoSplitter.class,
                description = "key=value of any setting listed below, winning over --config (repeatable)")
        java.util.List<String> overrides = new java.util.ArrayList<>();
    }

    @Override
    public String name() {
        return "broker";
    }

    @Override
    public String summary() {
        return "Run one node (metadata voter and broker) in the foreground";
    }

    @Override
    public List<String> moreHelp() {
        List<String> lines = new java.util.ArrayList<>();
        lines.add("Settings (--config file or --override key=value):");
        NodeConfig.KEYS.forEach((k, v) -> lines.add(String.format("  %-34s %s", k, v)));
        lines.add(String.format("  %-34s %s", LOG_LEVEL, "Level of the node's log: ERROR, WARN, INFO, DEBUG or TRACE (default INFO)"));
        return lines;
    }

    @Override
    public List<String> examples() {
        return List.of("./sluice broker --node-id 1 --listen localhost:9092 --raft-address localhost:19092 "
                + "--voters 1@localhost:19092,2@localhost:19093,3@localhost:19094 --data-dir data/node-1",
                "./sluice broker --config config/server.properties --override log.level=DEBUG",
                "./sluice broker --env    # with SLUICE_NODE_ID, SLUICE_VOTERS, SLUICE_RAFT_ADDRESS, SLUICE_DATA_DIR, ... set");
    }

    @Override
    public int run(String[] args) throws Exception {
        Options o = new Options();
        if (!Usage.parse(this, o, args)) {
            return 0;
        }
        Map<String, String> settings = settings(o, System.getenv());
        requireIdentity(settings);
        String level = settings.remove(LOG_LEVEL);
        if (level != null) {
            setLogLevel(level);
        }
        NodeConfig config;
        try {
            config = NodeConfig.from(settings);
        } catch (IllegalArgumentException e) {
            throw new UsageException(e.getMessage());
        }
        Node node = Node.start(config);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            node.close();
            stopped.countDown();
        }, "sluice-shutdown"));
        System.out.println("Node " + config.nodeId() + " is running; clients connect to " + node.address().getHostString()
                + ":" + node.address().getPort() + ". Stop it with Ctrl-C or SIGTERM.");
        stopped.await();
        return 0;
    }

    /** Names the flag of a missing required setting, as the user would type it. */
    private static void requireIdentity(Map<String, String> settings) {
        Map<String, String> flags = new LinkedHashMap<>();
        flags.put("node.id", "--node-id");
        flags.put("raft.address", "--raft-address");
        flags.put("voters", "--voters");
        flags.put("data.dir", "--data-dir");
        for (Map.Entry<String, String> f : flags.entrySet()) {
            if (!settings.containsKey(f.getKey())) {
                throw new UsageException(f.getValue() + " is required (or " + f.getKey() + " in the --config file, or "
                        + ENV_PREFIX + f.getKey().replace('.', '_').toUpperCase(java.util.Locale.ROOT) + " with --env)");
            }
        }
    }

    /** Applies {@code log.level}: the root logger of logback, the one backend (config/logback*.xml). */
    static void setLogLevel(String level) {
        String upper = checkLogLevel(level);
        if (LoggerFactory.getLogger(Logger.ROOT_LOGGER_NAME) instanceof ch.qos.logback.classic.Logger root) {
            root.setLevel(ch.qos.logback.classic.Level.toLevel(upper));
        }
    }

    /** The level named by a {@code log.level} value, or a {@link UsageException} naming the valid ones. */
    public static String checkLogLevel(String level) {
        String upper = level.trim().toUpperCase(java.util.Locale.ROOT);
        if (!List.of("ERROR", "WARN", "INFO", "DEBUG", "TRACE").contains(upper)) {
            throw new UsageException("log.level must be ERROR, WARN, INFO, DEBUG or TRACE, not '" + level + "'");
        }
        return upper;
    }

    static Map<String, String> settings(Options o, Map<String, String> env) throws IOException {
        Map<String, String> settings = new LinkedHashMap<>();
        if (o.config != null) {
            Path file = Path.of(o.config);
            if (!Files.isReadable(file)) {
                throw new UsageException("cannot read --config " + file + "; give the path of a properties file");
            }
            Properties p = new Properties();
            try (InputStream in = Files.newInputStream(file)) {
                p.load(in);
            }
            p.stringPropertyNames().forEach(k -> settings.put(k, p.getProperty(k).trim()));
        }
        if (o.env) {
            settings.putAll(fromEnvironment(env));
        }
        for (String kv : o.overrides) {
            int eq = kv.indexOf('=');
            if (eq <= 0) {
                throw new UsageException("--override '" + kv + "' is not key=value");
            }
            settings.put(kv.substring(0, eq).trim(), kv.substring(eq + 1).trim());
        }
        putIf(settings, "node.id", o.nodeId == null ? null : o.nodeId.toString());
        putIf(settings, "listen", o.listen);
        putIf(settings, "raft.address", o.raftAddress);
        putIf(settings, "voters", o.voters);
        putIf(settings, "data.dir", o.dataDir);
        putIf(settings, "cluster.id", o.clusterId);
        return settings;
    }

    /**
     * The settings named by {@code SLUICE_*} variables, by the rules of Kafka's container image for its
     * {@code KAFKA_*} ones: the rest of the name lower-cased, with {@code _} for {@code .}, {@code __}
     * for {@code _} and {@code ___} for {@code -} ({@code SLUICE_ADVERTISED_LISTENERS} is
     * advertised.listeners). An empty variable is no setting, so a default of the image can be
     * switched off (SLUICE_LISTEN= to use listeners instead). The launcher's own variables are
     * skipped; an unknown key is refused
     * later by {@link NodeConfig}, naming the key, like a typo in a file.
     */
    public static Map<String, String> fromEnvironment(Map<String, String> env) {
        Map<String, String> settings = new TreeMap<>();
        env.forEach((name, value) -> {
            if (name.startsWith(ENV_PREFIX) && name.length() > ENV_PREFIX.length() && !LAUNCHER_VARIABLES.contains(name)
                    && !value.isBlank()) {
                String key = name.substring(ENV_PREFIX.length()).toLowerCase(java.util.Locale.ROOT)
                        .replace("___", "-").replace("__", "\u0000").replace('_', '.').replace('\u0000', '_');
                settings.put(key, value.trim());
            }
        });
        return settings;
    }

    private static void putIf(Map<String, String> settings, String key, String value) {
        if (value != null) {
            settings.put(key, value);
        }
    }
}
