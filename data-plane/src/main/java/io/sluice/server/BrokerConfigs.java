package io.sluice.server;

import io.sluice.storage.LogConfig;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The settings a describe shows: a node's own (every key of {@link NodeConfig#KEYS}, read-only, with
 * the effective value when not given) and a topic's effective ones, each with the broker key that
 * sets its default (Kafka's synonyms: {@code retention.ms} falls back to {@code log.retention.ms}).
 * Pure; thread-safe.
 */
public final class BrokerConfigs {
    /** Topic key -> the node setting that gives its default, where there is one. */
    static final Map<String, String> BROKER_SYNONYMS = Map.ofEntries(
            Map.entry("min.insync.replicas", "min.insync.replicas"),
            Map.entry(LogConfig.FLUSH_POLICY, "log.flush.policy"),
            Map.entry(LogConfig.FLUSH_MS, "log.flush.interval.ms"),
            Map.entry(LogConfig.RETENTION_MS, "log.retention.ms"),
            Map.entry(LogConfig.RETENTION_BYTES, "log.retention.bytes"),
            Map.entry(LogConfig.SEGMENT_BYTES, "log.segment.bytes"),
            Map.entry(LogConfig.SEGMENT_MS, "log.roll.ms"),
            Map.entry(LogConfig.MAX_MESSAGE_BYTES, "message.max.bytes"),
            Map.entry(LogConfig.CLEANUP_POLICY, "log.cleanup.policy"),
            Map.entry(LogConfig.DELETE_RETENTION_MS, "log.cleaner.delete.retention.ms"),
            Map.entry(LogConfig.MIN_CLEANABLE_DIRTY_RATIO, "log.cleaner.min.cleanable.ratio"),
            Map.entry(LogConfig.MIN_COMPACTION_LAG_MS, "log.cleaner.min.compaction.lag.ms"),
            Map.entry(LogConfig.MAX_COMPACTION_LAG_MS, "log.cleaner.max.compaction.lag.ms"));

    private BrokerConfigs() {
    }

    /** Every node setting, sorted by key: as given (STATIC_BROKER) or its effective default. */
    public static List<ConfigValue> brokerConfigs(NodeConfig config) {
        Map<String, String> effective = effectiveSettings(config);
        List<ConfigValue> out = new ArrayList<>();
        for (String key : new TreeMap<>(NodeConfig.KEYS).keySet()) {
            String given = config.settings().get(key);
            ConfigValue.Source source = given != null ? ConfigValue.Source.STATIC_BROKER : ConfigValue.Source.DEFAULT;
            String value = given != null ? given : effective.get(key);
            out.add(new ConfigValue(key, value, source, true, NodeConfig.KEYS.get(key),
                    List.of(new ConfigValue.Synonym(key, value, source))));
        }
        return out;
    }

    /** A topic's effective settings, sorted by key, given its own ({@code topicConfig}). */
    public static List<ConfigValue> topicConfigs(NodeConfig config, Map<String, String> topicConfig) {
        List<ConfigValue> out = new ArrayList<>();
        for (Map.Entry<String, String> d : config.defaults().topicDefaults().entrySet()) {
            String key = d.getKey();
            List<ConfigValue.Synonym> synonyms = new ArrayList<>();
            String own = topicConfig.get(key);
            if (own != null) {
                synonyms.add(new ConfigValue.Synonym(key, own, ConfigValue.Source.DYNAMIC_TOPIC));
            }
            String brokerKey = BROKER_SYNONYMS.get(key);
            ConfigValue.Source defaultSource = brokerKey != null && config.settings().containsKey(brokerKey)
                    ? ConfigValue.Source.STATIC_BROKER : ConfigValue.Source.DEFAULT;
            if (brokerKey != null) {
                synonyms.add(new ConfigValue.Synonym(brokerKey, d.getValue(), defaultSource));
            }
            out.add(new ConfigValue(key, own != null ? own : d.getValue(),
                    own != null ? ConfigValue.Source.DYNAMIC_TOPIC : defaultSource, false, null, synonyms));
        }
        return out;
    }

    /** The value every node setting has on this node, given or not. */
    static Map<String, String> effectiveSettings(NodeConfig c) {
        Map<String, String> m = new TreeMap<>();
        Map<String, String> topic = c.defaults().topicDefaults();
        String listen = c.listen().getHostString() + ":" + c.listen().getPort();
        m.put("node.id", Integer.toString(c.nodeId()));
        m.put("listen", listen);
        StringBuilder listeners = new StringBuilder();
        StringBuilder advertised = new StringBuilder();
        StringBuilder protocols = new StringBuilder();
        String inter = null;
        for (Listener l : c.listeners()) {
            String sep = listeners.isEmpty() ? "" : ",";
            listeners.append(sep).append(l.describe());
            InetSocketAddress a = l.advertised() != null ? l.advertised() : l.address();
            advertised.append(sep).append(l.name()).append("://").append(a.getHostString()).append(':').append(a.getPort());
            protocols.append(sep).append(l.name()).append(':').append(l.protocol());
            inter = l.interBroker() ? l.name() : inter;
        }
        m.put("listeners", listeners.toString());
        m.put("advertised.listeners", advertised.toString());
        m.put("listener.security.protocol.map", protocols.toString());
        m.put("inter.broker.listener.name", inter);
        m.put("sasl.enabled.mechanisms", String.join(",", c.saslMechanisms()));
        m.put("sasl.plain.users.file", c.plainUsersFile() == null ? "" : c.plainUsersFile().toString());
        m.put("auto.create.topics.enable", Boolean.toString(c.autoCreateTopics()));
        m.put("process.roles", c.brokerOnly() ? "broker" : "broker,controller");
        m.put("raft.address", c.raftAddress());
        StringBuilder voters = new StringBuilder();
        new TreeMap<>(c.voters()).forEach((id, address) ->
                voters.append(voters.isEmpty() ? "" : ",").append(id).append('@').append(address));
        m.put("voters", voters.toString());
        m.put("data.dir", c.dataDir().toString());
        m.put("cluster.id", c.clusterId());
        m.put("io.threads", Integer.toString(c.ioThreads()));
        m.put("broker.session.timeout.ms", Integer.toString(c.sessionTimeoutMs()));
        m.put("broker.heartbeat.interval.ms", Integer.toString(c.heartbeatIntervalMs()));
        m.put("metadata.snapshot.threshold", Long.toString(c.snapshotThreshold()));
        m.put("max.frame.bytes", Integer.toString(c.maxFrameBytes()));
        m.put("metrics.port", Integer.toString(c.metricsPort()));
        m.put("group.initial.rebalance.delay.ms", Integer.toString(c.groupInitialRebalanceDelayMs()));
        m.put("group.max.size", Integer.toString(c.groupMaxSize()));
        m.put("group.consumer.max.size", Integer.toString(c.groupConsumerMaxSize()));
        m.put("max.incremental.fetch.session.cache.slots", Integer.toString(c.fetchSessionCacheSlots()));
        m.put("replica.lag.time.max.ms", Integer.toString(c.replicaLagTimeMaxMs()));
        m.put("auto.leader.rebalance.enable", Boolean.toString(c.autoLeaderRebalance()));
        m.put("leader.imbalance.check.interval.ms", Integer.toString(c.leaderImbalanceCheckIntervalMs()));
        m.put("num.partitions", Integer.toString(c.defaults().numPartitions()));
        m.put("default.replication.factor", Integer.toString(c.defaults().replicationFactor()));
        m.put("log.cleaner.enable", Boolean.toString(c.cleaner().enabled()));
        m.put("log.cleaner.threads", Integer.toString(c.cleaner().threads()));
        m.put("log.cleaner.io.max.bytes.per.second", Double.toString(c.cleaner().ioMaxBytesPerSecond()));
        m.put("log.cleaner.backoff.ms", Long.toString(c.cleaner().backoffMs()));
        m.put("log.cleaner.dedupe.buffer.size", Long.toString(c.cleaner().dedupeBufferSize()));
        BROKER_SYNONYMS.forEach((topicKey, brokerKey) -> m.put(brokerKey, topic.get(topicKey)));
        return m;
    }
}
