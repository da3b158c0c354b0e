package io.sluice.server;

import io.sluice.metadata.MetadataNode;
import io.sluice.metadata.raft.MetadataNodeConfig;
import io.netty.channel.EventLoopGroup;
import io.sluice.group.GroupApis;
import io.sluice.group.GroupConfig;
import io.sluice.network.NativeApis;
import io.sluice.network.NativeSasl;
import io.sluice.security.AclService;
import io.sluice.security.NativeAcls;
import io.sluice.network.NodeClient;
import io.netty.handler.ssl.SslProvider;
import io.sluice.protocol.tls.ReloadingTls;
import io.sluice.protocol.tls.TlsConfig;
import io.sluice.protocol.rpc.ApiKey;
import io.sluice.protocol.wire.Transport;
import io.sluice.replication.FetchService;
import io.sluice.replication.ListOffsetsService;
import io.sluice.replication.ProduceService;
import io.sluice.replication.ReplicaManager;
import io.sluice.replication.ReplicationConfig;
import io.sluice.server.metrics.NodeMetrics;
import io.sluice.storage.FileAccess;
import io.sluice.storage.LogCleaner;
import io.sluice.storage.LogManager;
import io.sluice.protocol.Time;
import io.sluice.security.Authorizer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.security.SecureRandom;
import java.time.Duration;
import io.sluice.protocol.rpc.Endpoint;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.LongConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One Sluice process in the combined role: a voter of the metadata quorum and a broker. Wires the
 * metadata node, the data-plane server and the broker lifecycle, and stops them in the reverse order
 * with a controlled shutdown first. Start once, close once; {@link #close} is thread-safe (it is
 * called from a shutdown hook).
 */
public final class Node implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Node.class);
    private final NodeConfig config;
    private final MetadataNode metadata;
    private final EventLoopGroup workers;
    private final DataPlaneServer server;
    private final NodeClient client;
    private final BrokerLifecycle lifecycle;
    private final LogManager logs;
    private final ReplicaManager replicas;
    private final PreferredLeaderBalancer balancer;
    private final NodeMetrics metrics;
    private boolean closed;

    private Node(NodeConfig config, MetadataNode metadata, EventLoopGroup workers, DataPlaneServer server,
                 NodeClient client, BrokerLifecycle lifecycle, LogManager logs, ReplicaManager replicas,
                 PreferredLeaderBalancer balancer, NodeMetrics metrics) {
        this.balancer = balancer;
        this.metrics = metrics;
        this.logs = logs;
        this.replicas = replicas;
        this.config = config;
        this.metadata = metadata;
        this.workers = workers;
        this.server = server;
        this.client = client;
        this.lifecycle = lifecycle;
    }

    /**
     * Starts the node. Refuses, with a message that says what to do and without touching data, a data
     * directory of another cluster or node and a port in use.
     */
    public static Node start(NodeConfig config) throws IOException {
        return start(config, FileAccess.DIRECT);
    }

    /** As {@link #start(NodeConfig)}, with the partition logs written through {@code files} (tests' disks). */
    public static Node start(NodeConfig config, FileAccess files) throws IOException {
        log.info("Starting node {} (cluster {}, data plane {}, raft {}, voters {})", config.nodeId(),
                config.clusterId(), config.listen(), config.raftAddress(), config.voters());
        for (Listener listener : config.listeners()) {
            ensureFree("listener " + listener.name(), listener.address());
        }
        ensureFree("--raft-address", NodeConfig.parseHostPort("raft.address", config.raftAddress()));
        if (config.metricsPort() > 0) {
            ensureFree("metrics.port", new InetSocketAddress(config.listen().getHostString(), config.metricsPort()));
        }
        // Read every keystore now: a wrong password or a missing file refuses the start before anything runs.
        Map<String, ReloadingTls> tls = new java.util.HashMap<>();
        ReloadingTls interBrokerClientTls = null;
        for (Listener listener : config.listeners()) {
            if (listener.tls() != null) {
                tls.put(listener.name(), ReloadingTls.server(listener.tls()));
                if (listener.interBroker()) {
                    interBrokerClientTls = ReloadingTls.client(listener.tls());
                }
            }
        }
        if (!tls.isEmpty()) {
            log.info("TLS engine: {} (listeners {})", TlsConfig.engine() == SslProvider.OPENSSL
                    ? "OpenSSL (BoringSSL, netty-tcnative)" : "JDK", tls.keySet());
        }
        List<ScramBootstrap.Entry> firstUsers = config.scramBootstrapFile() == null ? List.of()
                : ScramBootstrap.read(config.scramBootstrapFile());
        MetadataNodeConfig.Builder raft = MetadataNodeConfig.builder();
        if (config.raftTls() != null) {
            raft.raftTls(config.raftTls().keyManagers().getKeyManagers()[0],
                    config.raftTls().trustManagers().getTrustManagers()[0]);
        }
        MetadataNode metadata = MetadataNode.start(raft
                .nodeId(config.nodeId())
                .observer(config.brokerOnly())
                .raftAddress(config.raftAddress())
                .voters(config.voters())
                .dataDir(config.metadataDir())
                .clusterId(config.clusterId())
                .snapshotThreshold(config.snapshotThreshold())
                .brokerSessionTimeoutMs(config.sessionTimeoutMs())
                .build());
        EventLoopGroup workers = Transport.newGroup(config.ioThreads(), "sluice-io-" + config.nodeId());
        NodeMetrics metrics = new NodeMetrics(config.nodeId());
        DataPlaneServer server = null;
        LogManager logs = null;
        ReplicaManager replicas = null;
        try {
            logs = LogManager.start(config.logsDir(), config.defaults().logConfig(Map.of()), Time.SYSTEM,
                    300_000, 60_000, LogManager.DEFAULT_FLUSH_THREADS, files);
            logs.observeFlushTimes(metrics.flushTimes());
            LogCleaner cleaner = logs.startCleaner(config.cleaner());
            NodeClient client = new NodeClient(workers, "node-" + config.nodeId(), 5_000, config.maxFrameBytes(),
                    interBrokerClientTls);
            ReplicationConfig replication = new ReplicationConfig(config.replicaLagTimeMaxMs(),
                    ReplicationConfig.defaults().fetchMaxWaitMs(), ReplicationConfig.defaults().fetchMaxBytes(),
                    ReplicationConfig.defaults().fetchBackoffMs());
            replicas = new ReplicaManager(config.nodeId(), logs, metadata, config.defaults(), client, replication,
                    Time.SYSTEM);
            AdminService admin = new AdminService(metadata, config, replicas, client);
            ProducerIdBlocks producerIds = new ProducerIdBlocks(metadata, config.nodeId());
            NativeApis apis = new NativeApis();
            new ControllerApis(metadata).register(apis);
            new ClusterApis(metadata, admin).register(apis);
            new AdminApis(admin, producerIds).register(apis);
            new CleanerApis(config.nodeId(), replicas, cleaner).register(apis);
            GroupApis groups = new GroupApis(config.nodeId(), metadata, client,
                    GroupConfig.defaults().withInitialRebalanceDelayMs(config.groupInitialRebalanceDelayMs())
                            .withMaxSizes(config.groupMaxSize(), config.groupConsumerMaxSize()), workers);
            groups.register(apis);
            BrokerServices services = new BrokerServices(config, metadata, replicas,
                    new ProduceService(replicas, metrics.ackLatency()), new FetchService(replicas),
                    new ListOffsetsService(replicas), producerIds, admin, groups, client, workers, metrics,
                    new Authorizer(config.authorizerEnabled(), config.superUsers(), config.allowEveryoneIfNoAcl(),
                            () -> metadata.image().acls()));
            apis.add(ApiKey.PRODUCE, new ProduceHandler(services.produce()));
            apis.add(ApiKey.FETCH, new FetchHandler(services.fetch()));
            apis.add(ApiKey.LIST_OFFSETS, new ListOffsetsHandler(services.listOffsets()));
            new SecurityApis(new AclService(metadata), new ScramCredentialService(metadata)).register(apis);
            warnIfBrokersAreRefused(config);
            ConnectionProtocol kafka = otherProtocol(services);
            if (kafka != null && kafka.saslServers() != null) {
                new NativeSasl(kafka.saslServers()).register(apis);
            }
            NativeApis served = services.authorizer().enabled() ? NativeAcls.wrap(apis, services.authorizer())
                    : apis;
            server = new DataPlaneServer(config.listeners(), tls, workers, config.ioThreads(), config.maxFrameBytes(),
                    served, kafka, metrics);
            server.start();
            metrics.register(replicas, server.connections(), metadata, cleaner);
            if (config.metricsPort() >= 0) {
                metrics.serve(new InetSocketAddress(config.listen().getHostString(), config.metricsPort()));
            }
            InetSocketAddress advertised = config.advertised() != null ? config.advertised()
                    : new InetSocketAddress(config.listen().getHostString(), server.boundAddress().getPort());
            replicas.start();
            BrokerLifecycle lifecycle = new BrokerLifecycle(config, metadata, client, advertised, advertisedListeners(config, server),
                    new SecureRandom().nextLong() & Long.MAX_VALUE, registered(replicas, groups));
            lifecycle.start();
            metrics.readiness(() -> notReady(metadata, lifecycle));
            if (!firstUsers.isEmpty()) {
                ScramBootstrap.start(firstUsers, metadata, new ScramCredentialService(metadata));
            }
            PreferredLeaderBalancer balancer = config.autoLeaderRebalance()
                    ? new PreferredLeaderBalancer(metadata, config.leaderImbalanceCheckIntervalMs()) : null;
            return new Node(config, metadata, workers, server, client, lifecycle, logs, replicas, balancer, metrics);
        } catch (IOException | RuntimeException e) {
            metrics.close();
            if (server != null) {
                server.close();
            }
            if (replicas != null) {
                replicas.close();
            }
            workers.shutdownGracefully(0, 1, TimeUnit.SECONDS);
            closeQuietly(logs);
            metadata.close();
            throw e;
        }
    }

    /**
     * Why this node does not serve yet, or null when it does: it must know the metadata quorum's
     * leader (it has joined the quorum, as a voter or a listener) and the controller must have
     * unfenced its broker (registered, caught up with the metadata, heartbeating), which is when
     * it can lead partitions and clients are sent to it. What {@code /ready} answers.
     */
    static String notReady(MetadataNode metadata, BrokerLifecycle lifecycle) {
        if (metadata.leaderId().isEmpty()) {
            return "no metadata quorum leader known (the quorum has not formed, or this node cannot reach it)";
        }
        if (lifecycle.isFenced()) {
            return "broker not registered and unfenced by the controller yet";
        }
        return null;
    }

    /**
     * The other protocol this process can serve (Kafka's, when its module is on the class path), or
     * null. Only one is supported besides the native one, since the first bytes tell only two apart.
     */
    private static ConnectionProtocol otherProtocol(BrokerServices services) {
        var factories = java.util.ServiceLoader.load(ConnectionProtocol.Factory.class).stream().toList();
        if (factories.size() > 1) {
            throw new IllegalStateException("more than one other protocol on the class path: " + factories.stream()
                    .map(f -> f.type().getName()).toList());
        }
        return factories.isEmpty() ? null : factories.get(0).get().create(services);
    }

    /**
     * With the authorizer on, replication and heartbeats need CLUSTER_ACTION; on a PLAINTEXT inter-broker
     * listener the brokers are User:ANONYMOUS, which nothing allows unless the operator says so.
     */
    private static void warnIfBrokersAreRefused(NodeConfig config) {
        if (!config.authorizerEnabled() || config.superUsers().contains(io.sluice.network.NativeSession.ANONYMOUS)) {
            return;
        }
        for (Listener l : config.listeners()) {
            if (l.interBroker() && l.protocol() == SecurityProtocol.PLAINTEXT) {
                log.warn("The authorizer is on and inter-broker listener {} is PLAINTEXT: brokers reach each other as"
                        + " User:ANONYMOUS, which needs CLUSTER_ACTION on the cluster (add User:ANONYMOUS to super.users,"
                        + " or use an SSL inter-broker listener with the nodes' certificates in super.users)", l.name());
            }
        }
    }

    /** What learns the broker epoch of each registration: both stamp what they send the quorum with it. */
    private static LongConsumer registered(ReplicaManager replicas, GroupApis groups) {
        return epoch -> {
            replicas.setBrokerEpoch(epoch);
            groups.setBrokerEpoch(epoch);
        };
    }

    /** Fails before anything is written when a port is taken (the real bind later can still race). */
    private static void ensureFree(String flag, InetSocketAddress address) throws IOException {
        if (address.getPort() == 0) {
            return;
        }
        try (java.net.ServerSocket probe = new java.net.ServerSocket()) {
            probe.setReuseAddress(true);
            probe.bind(address);
        } catch (IOException e) {
            throw new IOException("cannot listen on " + address.getHostString() + ":" + address.getPort() + " (" + flag
                    + "): the port is in use; stop whatever uses it (another node?) or choose another port");
        }
    }

    public int nodeId() {
        return config.nodeId();
    }

    public NodeConfig config() {
        return config;
    }

    public MetadataNode metadata() {
        return metadata;
    }

    public ReplicaManager replicas() {
        return replicas;
    }

    private static void closeQuietly(LogManager logs) {
        if (logs == null) {
            return;
        }
        try {
            logs.close();
        } catch (IOException e) {
            log.warn("Closing the partition logs failed", e);
        }
    }

    public BrokerLifecycle lifecycle() {
        return lifecycle;
    }

    /** The data-plane address, with the real port when the configured one was 0. */
    public InetSocketAddress address() {
        return new InetSocketAddress(config.listen().getHostString(), server.boundAddress().getPort());
    }

    /** The address of the listener named {@code name}, with the real port when the configured one was 0. */
    public InetSocketAddress address(String name) {
        InetSocketAddress bound = server.boundAddress(name);
        Listener listener = config.listeners().stream().filter(l -> l.name().equals(name)).findFirst().orElseThrow();
        return new InetSocketAddress(listener.address().getHostString(), bound.getPort());
    }

    /** Each listener's advertised address (its bound one when none is configured), named, for registration. */
    private static List<Endpoint> advertisedListeners(NodeConfig config, DataPlaneServer server) {
        List<Endpoint> out = new ArrayList<>();
        for (Listener l : config.listeners()) {
            InetSocketAddress a = l.advertised() != null ? l.advertised()
                    : new InetSocketAddress(l.address().getHostString(), server.boundAddress(l.name()).getPort());
            out.add(Endpoint.newBuilder().setListener(l.name()).setHost(a.getHostString()).setPort(a.getPort()).build());
        }
        return out;
    }

    /** Where {@code /metrics} is served, or null when {@code metrics.port} is -1. */
    public InetSocketAddress metricsAddress() {
        return metrics.port() < 0 ? null : new InetSocketAddress(config.listen().getHostString(), metrics.port());
    }

    /** The node's metrics registry (what {@code /metrics} serves). */
    public NodeMetrics metrics() {
        return metrics;
    }

    /** Controlled shutdown: leadership moves away first, then everything stops. */
    @Override
    public void close() {
        stop(true);
    }

    /**
     * Crashes in process (tests' kills): no controlled shutdown, threads stopped, sockets closed, and
     * the partition logs abandoned as they are: nothing flushed, no checkpoint written, so the next
     * start recovers as after a real crash.
     */
    public void halt() {
        stop(false);
    }

    private synchronized void stop(boolean controlled) {
        if (closed) {
            return;
        }
        closed = true;
        log.info("Stopping node {}{}", config.nodeId(), controlled ? "" : " abruptly");
        if (balancer != null) {
            balancer.close();
        }
        if (controlled) {
            lifecycle.controlledShutdown(Duration.ofSeconds(10));
        }
        lifecycle.close();
        metrics.close();
        server.close(); // no new requests reach the replicas (and their purgatories) once they stop
        replicas.close();
        client.close();
        workers.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
        if (controlled) {
            closeQuietly(logs);
        } else {
            logs.crash();
        }
        metadata.close();
        log.info("Node {} stopped", config.nodeId());
    }
}
