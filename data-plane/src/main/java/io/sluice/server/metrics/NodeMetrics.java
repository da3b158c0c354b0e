package io.sluice.server.metrics;

import com.sun.net.httpserver.HttpExchange;
import io.prometheus.metrics.core.datapoints.DistributionDataPoint;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.exporter.httpserver.HTTPServer;
import io.prometheus.metrics.instrumentation.jvm.JvmMetrics;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.sluice.metadata.MetadataNode;
import io.sluice.replication.ProduceService;
import io.sluice.replication.ReplicaManager;
import io.sluice.network.Connections;
import io.sluice.network.RequestMetrics;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.function.LongConsumer;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A node's metrics: one Prometheus registry per node (several nodes share a JVM in tests) holding
 * the latency histograms the hot paths record into, the collectors that read the broker's and the
 * quorum's state when scraped, and the JVM's metrics; served in Prometheus' text format at
 * {@code /metrics} by the Prometheus client's HTTP server (one daemon thread), which also answers
 * {@code /-/healthy} (the server runs) and {@code /ready} (the node serves: see {@link #readiness}).
 *
 * <p>Recording is allocation-free: each histogram's data point per label set is resolved once
 * (per API and protocol on its first request, per acks at start), and counters of traffic live in the
 * partitions. Thread-safe.
 */
public final class NodeMetrics implements RequestMetrics, AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(NodeMetrics.class);
    private static final double NANOS_PER_SECOND = 1e9;
    /** 100 µs to about 26 s, doubling: local fsyncs and requests are sub-millisecond, waits can take seconds. */
    private static final double[] LATENCY_BUCKETS = exponential(0.0001, 2, 19);

    private final int nodeId;
    private final PrometheusRegistry registry = new PrometheusRegistry();
    private final Histogram requests;
    private final DistributionDataPoint[] ackLatencyByAcks;
    private final DistributionDataPoint flushLatency;
    /** Null when the node is ready, else why not; "starting" until the node says how to tell. */
    private volatile Supplier<String> notReadyReason = () -> "starting";
    private HTTPServer server;
    private ExecutorService serverThread;

    public NodeMetrics(int nodeId) {
        this.nodeId = nodeId;
        JvmMetrics.builder().register(registry);
        this.requests = histogram("sluice_request_duration_seconds",
                "Time from a request's arrival to its response being ready, by protocol and API", "protocol", "api");
        Histogram ack = histogram("sluice_produce_ack_latency_seconds",
                "Time from a produce request's arrival until the acknowledgement it asked for holds (or fails)", "acks");
        // acks -1 (all), 0 and 1, indexed by acks + 1; anything else is refused before it waits.
        this.ackLatencyByAcks = new DistributionDataPoint[] {ack.labelValues("all"), ack.labelValues("0"),
                ack.labelValues("1")};
        this.flushLatency = histogram("sluice_log_flush_duration_seconds",
                "Duration of one group-commit fsync of a partition log (log.flush.policy=always)").labelValues();
    }

    private Histogram histogram(String name, String help, String... labels) {
        return Histogram.builder().name(name).help(help).labelNames(labels).classicOnly()
                .classicUpperBounds(LATENCY_BUCKETS).withoutExemplars().register(registry);
    }

    private static double[] exponential(double start, double factor, int count) {
        double[] bounds = new double[count];
        for (int i = 0; i < count; i++) {
            bounds[i] = start * Math.pow(factor, i);
        }
        return bounds;
    }

    /** Adds the broker's and the quorum's collectors, once both exist; {@code cleaner} may be null. */
    public void register(ReplicaManager replicas, Connections connections, MetadataNode metadata,
            io.sluice.storage.LogCleaner cleaner) {
        registry.register(new BrokerCollector(replicas, connections, cleaner));
        registry.register(new QuorumCollector(metadata));
    }

    @Override
    public Recorder forProtocol(String protocol, Enum<?>[] apis) {
        // Resolved on an API's first request, so only APIs in use are series (Kafka alone defines ~90).
        // Racing first requests resolve the same data point: the library keys it by its labels.
        AtomicReferenceArray<DistributionDataPoint> byOrdinal = new AtomicReferenceArray<>(apis.length);
        String[] names = new String[apis.length];
        for (Enum<?> api : apis) {
            names[api.ordinal()] = api.name().toLowerCase(Locale.ROOT);
        }
        return (api, nanos) -> {
            DistributionDataPoint point = byOrdinal.get(api.ordinal());
            if (point == null) {
                point = requests.labelValues(protocol, names[api.ordinal()]);
                byOrdinal.set(api.ordinal(), point);
            }
            point.observe(nanos / NANOS_PER_SECOND);
        };
    }

    /** Where the produce service reports each request's time to acknowledgement. */
    public ProduceService.AckLatency ackLatency() {
        return (acks, nanos) -> {
            if (acks >= -1 && acks <= 1) {
                ackLatencyByAcks[acks + 1].observe(nanos / NANOS_PER_SECOND);
            }
        };
    }

    /** Where the log flushers report each fsync's duration. */
    public LongConsumer flushTimes() {
        return nanos -> flushLatency.observe(nanos / NANOS_PER_SECOND);
    }

    public PrometheusRegistry registry() {
        return registry;
    }

    /**
     * What {@code /ready} answers from now on: {@code reason} returns null when the node is ready
     * (200), else why it is not (503 with that text). Readiness probes (Kubernetes') use it, so it
     * must be cheap: it is called on every probe.
     */
    public void readiness(Supplier<String> reason) {
        this.notReadyReason = reason;
    }

    /** {@code /ready}: 200 "ready", or 503 and the reason; any other path but the library's: 404. */
    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String path = exchange.getRequestURI().getPath();
            int status;
            String body;
            if (path.equals("/ready")) {
                String reason = notReadyReason.get();
                status = reason == null ? 200 : 503;
                body = reason == null ? "ready\n" : "not ready: " + reason + "\n";
            } else {
                status = 404;
                body = "not found; this server serves /metrics, /ready and /-/healthy\n";
            }
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "text/plain; charset=utf-8");
            boolean head = exchange.getRequestMethod().equals("HEAD");
            exchange.sendResponseHeaders(status, head ? -1 : bytes.length);
            if (!head) {
                exchange.getResponseBody().write(bytes);
            }
        }
    }

    /**
     * Serves {@code /metrics} on {@code address} (port 0: any free port). A port in use fails with a
     * message naming the setting.
     */
    public void serve(InetSocketAddress address) throws IOException {
        serverThread = new ThreadPoolExecutor(1, 1, 0, TimeUnit.MILLISECONDS, new LinkedBlockingQueue<>(), r -> {
            Thread t = new Thread(r, "sluice-metrics-" + nodeId);
            t.setDaemon(true);
            return t;
        });
        try {
            server = HTTPServer.builder().hostname(address.getHostString()).port(address.getPort()).registry(registry)
                    .defaultHandler(this::handle).executorService(serverThread).buildAndStart();
        } catch (IOException e) {
            serverThread.shutdownNow();
            throw new IOException("cannot serve metrics on " + address.getHostString() + ":" + address.getPort()
                    + " (metrics.port): " + e.getMessage() + "; choose another port, or -1 to serve none", e);
        }
        log.info("Metrics served at http://{}:{}/metrics", address.getHostString(), server.getPort());
    }

    /** The port {@code /metrics} is served on, or -1 when not served. */
    public int port() {
        return server == null ? -1 : server.getPort();
    }

    @Override
    public void close() {
        if (server != null) {
            server.close();
            serverThread.shutdownNow();
        }
    }
}
