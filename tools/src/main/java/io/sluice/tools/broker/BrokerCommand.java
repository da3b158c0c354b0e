package io.sluice.tools.broker;

import com.beust.jcommander.JCommander;
import com.beust.jcommander.Parameter;
import io.sluice.server.Node;
import io.sluice.server.NodeConfig;
import io.sluice.tools.Command;
import io.sluice.tools.UsageException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;

/**
 * {@code ./sluice broker ...}: runs one node in the foreground until SIGTERM or Ctrl-C, which trigger a
 * controlled shutdown. Settings come from {@code --config FILE} (the keys of config/server.properties)
 * and flags, flags winning.
 */
public final class BrokerCommand implements Command {
    static final class Options {
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
        @Parameter(names = "--override", description = "key=value of any server.properties setting (repeatable)")
        java.util.List<String> overrides = new java.util.ArrayList<>();
        @Parameter(names = {"--help", "-h"}, help = true)
        boolean help;
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
    public int run(String[] args) throws Exception {
        Options o = new Options();
        JCommander jc = JCommander.newBuilder().programName("./sluice broker").addObject(o).build();
        jc.parse(args);
        if (o.help) {
            jc.usage();
            System.out.println("Settings (flags or --config file):");
            NodeConfig.KEYS.forEach((k, v) -> System.out.printf("  %-30s %s%n", k, v));
            return 0;
        }
        NodeConfig config;
        try {
            config = NodeConfig.from(settings(o));
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

    static Map<String, String> settings(Options o) throws IOException {
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

    private static void putIf(Map<String, String> settings, String key, String value) {
        if (value != null) {
            settings.put(key, value);
        }
    }
}
