package io.sluice.server;

import io.sluice.config.BrokerDefaults;
import io.sluice.config.Settings;
import io.sluice.storage.CleanerConfig;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;

/**
 * A node's configuration: the keys of {@code config/server.properties}, which the {@code broker}
 * command's flags mirror. Every key, its default and its meaning is listed in {@link #KEYS}; an
 * unknown key or a bad value is refused with a message naming it. Immutable.
 */
public final class NodeConfig {
    /** Key -> description (with the default), the one place where node settings are documented. */
    public static final Map<String, String> KEYS;

    static {
        Map<String, String> k = new LinkedHashMap<>();
        k.put("node.id", "This node's id, one of the ids in voters; a broker-only node's id is not among them (required)");
        k.put("process.roles", "broker,controller: a voter of the metadata quorum that also hosts partitions;"
                + " broker: a broker-only node, which follows the metadata log without voting (default broker,controller)");
        k.put("listen", "host:port of the data plane, where clients and other nodes connect (default localhost:9092)");
        k.put("listeners", "Kafka's listeners: NAME://host:port,... (instead of listen). The inter-broker listener"
                + " serves the Kafka and the native protocol, every other one only Kafka's (see docs/security.md)");
        k.put("advertised.listeners", "NAME://host:port,... that clients are told to connect to, per listener"
                + " (default: each listener's own)");
        k.put("listener.security.protocol.map", "Security protocol of each listener name: NAME:PROTOCOL,..."
                + " with PLAINTEXT or SASL_PLAINTEXT (default " + Listeners.DEFAULT_PROTOCOL_MAP + ")");
        k.put("inter.broker.listener.name", "The listener of replication and the native protocol; must be PLAINTEXT"
                + " (default: the listener named PLAINTEXT, else the first)");
        k.put("sasl.enabled.mechanisms", "SASL mechanisms offered on SASL listeners (default"
                + " PLAIN,SCRAM-SHA-256,SCRAM-SHA-512)");
        k.put("sasl.plain.users.file", "Properties file of PLAIN users, one user=password a line; the file, not"
                + " this setting, holds the passwords (default: none, so PLAIN refuses everyone)");
        k.put("auto.create.topics.enable", "A Kafka client's metadata request or produce to a missing topic creates it"
                + " with num.partitions and default.replication.factor (default true)");
        k.put("raft.address", "host:port of this node's Raft endpoint; a voter's must match its entry in voters;"
                + " a broker-only node receives the metadata log there (required)");
        k.put("voters", "The metadata quorum: id@host:port,... of every voter (required)");
        k.put("data.dir", "Directory of this node's metadata and partition logs (required)");
        k.put("cluster.id", "Cluster id; by default derived from voters, so nodes started with the same voters agree");
        k.put("io.threads", "Data-plane event loops (default: number of cores)");
        k.put("broker.session.timeout.ms", "A broker without heartbeats this long is fenced (default 6000)");
        k.put("broker.heartbeat.interval.ms", "How often a broker heartbeats to the controller (default 1000)");
        k.put("metadata.snapshot.threshold", "Metadata log entries between automatic snapshots (default 10000)");
        k.put("metrics.port", "Port of the HTTP endpoint serving Prometheus metrics at /metrics, on the listener's"
                + " host: -1 serves none, 0 any free port (default: the data-plane port + 1000, e.g. 10092 for 9092;"
                + " any free port when the data-plane port is 0)");
        k.put("max.frame.bytes", "Largest request frame accepted (default 104857600)");
        k.put("replica.lag.time.max.ms", "A follower not caught up for this long leaves the ISR (default 30000)");
        k.put("auto.leader.rebalance.enable", "Move leadership back to preferred replicas once in sync (default true)");
        k.put("leader.imbalance.check.interval.ms", "How often the controller checks for that (default 30000)");
        k.put("group.initial.rebalance.delay.ms", "How long the first rebalance of an empty Kafka classic group waits"
                + " for more members (each join extends it, up to the rebalance timeout); also how long a coordinator"
                + " that takes over a Sluice group with committed offsets hands out only reported partitions"
                + " (default 3000, Kafka's; 0 in tests)");
        k.put("group.max.size", "The most members a Kafka classic group admits; a JoinGroup beyond it gets"
                + " GROUP_MAX_SIZE_REACHED (default 2147483647, Kafka's)");
        k.put("group.consumer.max.size", "The most members a group.protocol=consumer (KIP-848) or Sluice group admits;"
                + " a join beyond it gets GROUP_MAX_SIZE_REACHED (default 2147483647, Kafka's)");
        k.put("max.incremental.fetch.session.cache.slots", "Kafka incremental fetch sessions (KIP-227) this node"
                + " keeps; 0 answers every fetch in full (default 1000, Kafka's)");
        k.put("num.partitions", "Partitions of a topic created without a count (default 1)");
        k.put("default.replication.factor", "Replication factor of a topic created without one (default 1)");
        k.put("min.insync.replicas", "Default of the topic setting min.insync.replicas (default 1)");
        k.put("log.flush.policy", "Default of the topic setting log.flush.policy: always (fsync before"
                + " acknowledging, the default) or interval (page cache, fsync every flush.ms)");
        k.put("log.flush.interval.ms", "Default of the topic setting flush.ms (default 1000)");
        k.put("log.retention.ms", "Default of the topic setting retention.ms (default 604800000, 7 days)");
        k.put("log.retention.bytes", "Default of the topic setting retention.bytes (default -1, no limit)");
        k.put("log.segment.bytes", "Default of the topic setting segment.bytes (default 1073741824)");
        k.put("message.max.bytes", "Default of the topic setting max.message.bytes (default 1048588)");
        k.put("log.roll.ms", "Default of the topic setting segment.ms (default 604800000, 7 days)");
        k.put("log.cleanup.policy", "Default of the topic setting cleanup.policy (default delete)");
        k.put("log.cleaner.delete.retention.ms", "Default of the topic setting delete.retention.ms (default 86400000)");
        k.put("log.cleaner.min.cleanable.ratio", "Default of the topic setting min.cleanable.dirty.ratio (default 0.5)");
        k.put("log.cleaner.min.compaction.lag.ms", "Default of the topic setting min.compaction.lag.ms (default 0)");
        k.put("log.cleaner.max.compaction.lag.ms", "Default of the topic setting max.compaction.lag.ms"
                + " (default 9223372036854775807)");
        k.put("log.cleaner.enable", "Run the log cleaner, which compacts topics with cleanup.policy=compact"
                + " (default true)");
        k.put("log.cleaner.threads", "Log cleaner threads (default 1)");
        k.put("log.cleaner.io.max.bytes.per.second", "The cleaners' combined read plus write rate, bytes per second"
                + " (default 1.7976931348623157E308, unthrottled)");
        k.put("log.cleaner.backoff.ms", "How long a cleaner thread sleeps when no log needs cleaning (default 15000)");
        k.put("log.cleaner.dedupe.buffer.size", "Memory for the cleaners' key maps, split between the threads;"
                + " bounds how much dirty log one pass can clean (default 134217728)");
        KEYS = Collections.unmodifiableMap(k);
    }

    private final Map<String, String> settings;
    private final int nodeId;
    private final InetSocketAddress listen;
    private final InetSocketAddress advertised;
    private final List<Listener> listeners;
    private final List<String> saslMechanisms;
    private final Path plainUsersFile;
    private final boolean autoCreateTopics;
    private final String raftAddress;
    private final Map<Integer, String> voters;
    private final boolean brokerOnly;
    private final Path dataDir;
    private final String clusterId;
    private final int ioThreads;
    private final int sessionTimeoutMs;
    private final int heartbeatIntervalMs;
    private final long snapshotThreshold;
    private final int maxFrameBytes;
    private final BrokerDefaults defaults;
    private final int replicaLagTimeMaxMs;
    private final boolean autoLeaderRebalance;
    private final int leaderImbalanceCheckIntervalMs;
    private final int groupInitialRebalanceDelayMs;
    private final int groupMaxSize;
    private final int groupConsumerMaxSize;
    private final int fetchSessionCacheSlots;
    private final int metricsPort;
    private final CleanerConfig cleaner;

    private NodeConfig(Map<String, String> p) {
        this.settings = Collections.unmodifiableMap(new TreeMap<>(p));
        for (String key : p.keySet()) {
            if (!KEYS.containsKey(key)) {
                throw new IllegalArgumentException("unknown setting '" + key + "'; known settings: "
                        + String.join(", ", KEYS.keySet()));
            }
        }
        this.nodeId = intValue(p, "node.id", null, 0, Integer.MAX_VALUE);
        this.voters = parseVoters(required(p, "voters"));
        this.brokerOnly = parseRoles(p.getOrDefault("process.roles", "broker,controller"));
        if (brokerOnly && voters.containsKey(nodeId)) {
            throw new IllegalArgumentException("node id " + nodeId + " is in voters (" + required(p, "voters")
                    + ") but process.roles=broker: give a broker-only node an id that is not a voter's");
        }
        if (!brokerOnly && !voters.containsKey(nodeId)) {
            throw new IllegalArgumentException("node id " + nodeId + " is not in voters (" + required(p, "voters")
                    + "); use one of the ids " + voters.keySet() + ", or set process.roles=broker for a broker-only node");
        }
        this.raftAddress = required(p, "raft.address");
        parseHostPort("raft.address", raftAddress);
        if (!brokerOnly && !sameEndpoint(raftAddress, voters.get(nodeId))) {
            throw new IllegalArgumentException("raft.address " + raftAddress + " differs from node " + nodeId
                    + "'s entry in voters (" + voters.get(nodeId) + "); make them the same");
        }
        if (p.containsKey("listen") && p.containsKey("listeners")) {
            throw new IllegalArgumentException("set either listen or listeners, not both (they are the same setting)");
        }
        if (p.containsKey("listeners")) {
            this.listeners = Listeners.parse(p.get("listeners"), p.get("advertised.listeners"),
                    p.get("listener.security.protocol.map"), p.get("inter.broker.listener.name"));
        } else {
            for (String key : List.of("listener.security.protocol.map", "inter.broker.listener.name")) {
                if (p.containsKey(key)) {
                    throw new IllegalArgumentException(key + " needs listeners (NAME://host:port,...) instead of listen");
                }
            }
            this.listeners = Listeners.plaintext(parseHostPort("listen", p.getOrDefault("listen", "localhost:9092")),
                    p.containsKey("advertised.listeners")
                            ? parseListener("advertised.listeners", p.get("advertised.listeners")) : null);
        }
        Listener inter = listeners.stream().filter(Listener::interBroker).findFirst().orElseThrow();
        this.listen = inter.address();
        this.advertised = inter.advertised();
        this.saslMechanisms = parseMechanisms(p.getOrDefault("sasl.enabled.mechanisms", String.join(",", SASL_MECHANISMS)));
        this.plainUsersFile = p.containsKey("sasl.plain.users.file") ? Path.of(p.get("sasl.plain.users.file")) : null;
        this.autoCreateTopics = booleanValue(p, "auto.create.topics.enable", true);
        this.dataDir = Path.of(required(p, "data.dir"));
        this.clusterId = p.containsKey("cluster.id") ? p.get("cluster.id") : defaultClusterId(voters);
        this.ioThreads = intValue(p, "io.threads", Runtime.getRuntime().availableProcessors(), 1, 64);
        this.sessionTimeoutMs = intValue(p, "broker.session.timeout.ms", 6000, 100, 3_600_000);
        this.heartbeatIntervalMs = intValue(p, "broker.heartbeat.interval.ms", 1000, 10, 600_000);
        if (heartbeatIntervalMs >= sessionTimeoutMs) {
            throw new IllegalArgumentException("broker.heartbeat.interval.ms (" + heartbeatIntervalMs
                    + ") must be below broker.session.timeout.ms (" + sessionTimeoutMs + ")");
        }
        this.snapshotThreshold = intValue(p, "metadata.snapshot.threshold", 10_000, 10, Integer.MAX_VALUE);
        this.maxFrameBytes = intValue(p, "max.frame.bytes", 100 * 1024 * 1024, 1024, Integer.MAX_VALUE);
        this.defaults = BrokerDefaults.from(p);
        this.replicaLagTimeMaxMs = intValue(p, "replica.lag.time.max.ms", 30_000, 10, Integer.MAX_VALUE);
        this.autoLeaderRebalance = booleanValue(p, "auto.leader.rebalance.enable", true);
        this.leaderImbalanceCheckIntervalMs = intValue(p, "leader.imbalance.check.interval.ms", 30_000, 100,
                Integer.MAX_VALUE);
        this.groupInitialRebalanceDelayMs = intValue(p, "group.initial.rebalance.delay.ms", 3_000, 0, 600_000);
        this.groupMaxSize = intValue(p, "group.max.size", Integer.MAX_VALUE, 1, Integer.MAX_VALUE);
        this.groupConsumerMaxSize = intValue(p, "group.consumer.max.size", Integer.MAX_VALUE, 1, Integer.MAX_VALUE);
        this.fetchSessionCacheSlots = intValue(p, "max.incremental.fetch.session.cache.slots", 1000, 0,
                Integer.MAX_VALUE);
        this.metricsPort = intValue(p, "metrics.port", defaultMetricsPort(listen.getPort()), -1, 65535);
        this.cleaner = CleanerConfig.from(p);
    }

    /** The log cleaner's node settings ({@code log.cleaner.*}). */
    public CleanerConfig cleaner() {
        return cleaner;
    }

    public int fetchSessionCacheSlots() {
        return fetchSessionCacheSlots;
    }

    public int groupInitialRebalanceDelayMs() {
        return groupInitialRebalanceDelayMs;
    }

    public int groupMaxSize() {
        return groupMaxSize;
    }

    public int groupConsumerMaxSize() {
        return groupConsumerMaxSize;
    }

    /** Offset of the default metrics port from the data-plane port (so local nodes never collide). */
    public static final int METRICS_PORT_OFFSET = 1000;

    /** The metrics port a node listening on {@code listenPort} uses by default. */
    public static int defaultMetricsPort(int listenPort) {
        return listenPort == 0 || listenPort + METRICS_PORT_OFFSET > 65535 ? 0 : listenPort + METRICS_PORT_OFFSET;
    }

    /** Port of {@code /metrics}: -1 none, 0 any free port. */
    public int metricsPort() {
        return metricsPort;
    }

    public boolean autoLeaderRebalance() {
        return autoLeaderRebalance;
    }

    public int leaderImbalanceCheckIntervalMs() {
        return leaderImbalanceCheckIntervalMs;
    }

    private static boolean booleanValue(Map<String, String> p, String key, boolean def) {
        String v = p.get(key);
        if (v == null) {
            return def;
        }
        if (!v.trim().equals("true") && !v.trim().equals("false")) {
            throw new IllegalArgumentException(key + " must be true or false, not '" + v + "'");
        }
        return Boolean.parseBoolean(v.trim());
    }

    public int replicaLagTimeMaxMs() {
        return replicaLagTimeMaxMs;
    }

    /** Builds a configuration from settings; throws {@link IllegalArgumentException} saying what is wrong. */
    public static NodeConfig from(Map<String, String> settings) {
        return new NodeConfig(new TreeMap<>(settings));
    }

    /** The settings as given (without defaults), sorted by key. */
    public Map<String, String> settings() {
        return settings;
    }

    public int nodeId() {
        return nodeId;
    }

    /**
     * The address clients are told to connect to, or null to advertise the listener's own (with the
     * port it bound).
     */
    public InetSocketAddress advertised() {
        return advertised;
    }

    public boolean autoCreateTopics() {
        return autoCreateTopics;
    }

    /** The SASL mechanisms Sluice implements, in the order a handshake lists them. */
    public static final List<String> SASL_MECHANISMS = List.of("PLAIN", "SCRAM-SHA-256", "SCRAM-SHA-512");

    private static List<String> parseMechanisms(String value) {
        List<String> out = new java.util.ArrayList<>();
        for (String m : value.split(",")) {
            String mechanism = m.trim();
            if (!SASL_MECHANISMS.contains(mechanism)) {
                throw new IllegalArgumentException("sasl.enabled.mechanisms: '" + mechanism + "' is not supported;"
                        + " choose from " + SASL_MECHANISMS);
            }
            if (!out.contains(mechanism)) {
                out.add(mechanism);
            }
        }
        return List.copyOf(out);
    }

    /** Every data-plane listener, in the order of {@code listeners}; exactly one is the inter-broker one. */
    public List<Listener> listeners() {
        return listeners;
    }

    /** The SASL mechanisms offered on SASL listeners. */
    public List<String> saslMechanisms() {
        return saslMechanisms;
    }

    /** The file of PLAIN users and their passwords, or null when PLAIN has no users. */
    public Path plainUsersFile() {
        return plainUsersFile;
    }

    /** Parses one listener in Kafka's form ({@code PLAINTEXT://host:port}) or as {@code host:port}. */
    static InetSocketAddress parseListener(String key, String value) {
        String v = value.trim();
        if (v.contains(",")) {
            throw new IllegalArgumentException(key + " '" + value + "' names several listeners; Sluice serves one"
                    + " per node (PLAINTEXT://host:port)");
        }
        int scheme = v.indexOf("://");
        if (scheme >= 0) {
            String protocol = v.substring(0, scheme);
            if (!protocol.equals("PLAINTEXT")) {
                throw new IllegalArgumentException(key + " '" + value + "': only PLAINTEXT listeners are supported,"
                        + " not " + protocol);
            }
            v = v.substring(scheme + 3);
        }
        return parseHostPort(key, v);
    }

    public InetSocketAddress listen() {
        return listen;
    }

    public String raftAddress() {
        return raftAddress;
    }

    public Map<Integer, String> voters() {
        return voters;
    }

    /** process.roles=broker: this node follows the metadata log without voting. */
    public boolean brokerOnly() {
        return brokerOnly;
    }

    private static boolean parseRoles(String value) {
        java.util.Set<String> roles = new java.util.TreeSet<>();
        for (String role : value.split(",")) {
            roles.add(role.trim());
        }
        if (roles.equals(java.util.Set.of("broker"))) {
            return true;
        }
        if (roles.equals(java.util.Set.of("broker", "controller"))) {
            return false;
        }
        throw new IllegalArgumentException("process.roles=" + value + " is not supported: use broker,controller (a voter"
                + " that also hosts partitions) or broker (a broker-only node); every Sluice node hosts partitions");
    }

    public Path dataDir() {
        return dataDir;
    }

    public Path metadataDir() {
        return dataDir.resolve("metadata");
    }

    public Path logsDir() {
        return dataDir.resolve("logs");
    }

    public String clusterId() {
        return clusterId;
    }

    public int ioThreads() {
        return ioThreads;
    }

    public int sessionTimeoutMs() {
        return sessionTimeoutMs;
    }

    public int heartbeatIntervalMs() {
        return heartbeatIntervalMs;
    }

    public long snapshotThreshold() {
        return snapshotThreshold;
    }

    public int maxFrameBytes() {
        return maxFrameBytes;
    }

    /** Topic defaults and creation defaults. */
    public BrokerDefaults defaults() {
        return defaults;
    }

    /** A cluster id every node started with the same voters computes alike. */
    static String defaultClusterId(Map<Integer, String> voters) {
        return UUID.nameUUIDFromBytes(("sluice-voters:" + new TreeMap<>(voters)).getBytes(StandardCharsets.UTF_8))
                .toString();
    }

    static Map<Integer, String> parseVoters(String text) {
        Map<Integer, String> result = new TreeMap<>();
        for (String entry : text.split(",")) {
            String e = entry.trim();
            int at = e.indexOf('@');
            if (at <= 0) {
                throw new IllegalArgumentException("voter '" + e + "' is not id@host:port, e.g. 1@localhost:19092");
            }
            int id;
            try {
                id = Integer.parseInt(e.substring(0, at));
            } catch (NumberFormatException ex) {
                throw new IllegalArgumentException("voter '" + e + "' has no numeric id; write id@host:port");
            }
            String address = e.substring(at + 1);
            parseHostPort("voters", address);
            if (result.put(id, address) != null) {
                throw new IllegalArgumentException("voter id " + id + " appears twice in voters");
            }
        }
        return Collections.unmodifiableMap(result);
    }

    static InetSocketAddress parseHostPort(String key, String value) {
        int colon = value.lastIndexOf(':');
        if (colon <= 0) {
            throw new IllegalArgumentException(key + " '" + value + "' is not host:port");
        }
        try {
            int port = Integer.parseInt(value.substring(colon + 1));
            if (port < 0 || port > 65535) {
                throw new NumberFormatException();
            }
            return new InetSocketAddress(value.substring(0, colon), port);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(key + " '" + value + "' has no valid port (0-65535)");
        }
    }

    private static boolean sameEndpoint(String a, String b) {
        InetSocketAddress x = parseHostPort("raft.address", a);
        InetSocketAddress y = parseHostPort("voters", b);
        return x.getPort() == y.getPort() && (x.getHostString().equals(y.getHostString())
                || (x.getAddress() != null && x.getAddress().equals(y.getAddress())));
    }

    private static String required(Map<String, String> p, String key) {
        String v = p.get(key);
        if (v == null || v.isBlank()) {
            throw new IllegalArgumentException("missing required setting '" + key + "': " + KEYS.get(key));
        }
        return v.trim();
    }

    static int intValue(Map<String, String> p, String key, Integer def, int min, int max) {
        return def == null ? Settings.parseInt(key, required(p, key), min, max) : Settings.intValue(p, key, def, min, max);
    }

}
