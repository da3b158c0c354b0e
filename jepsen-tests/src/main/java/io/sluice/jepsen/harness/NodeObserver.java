package io.sluice.jepsen.harness;

import io.sluice.client.NetworkClient;
import io.sluice.client.admin.AdminConfig;
import io.sluice.protocol.Time;
import java.util.Map;

/**
 * Asks each node in turn, about once a second, something about its own view, and records each answer
 * in the history ({@link #observe}); requests go to that node itself, over a network client of the
 * observer's own. Runs on its own daemon thread from {@link #start} until {@link #close}; subclasses
 * are called on that thread only.
 */
abstract class NodeObserver implements AutoCloseable {
    protected final Cluster cluster;
    protected final NetworkClient network;
    private final Thread thread;

    NodeObserver(Cluster cluster, String name, int connectTimeoutMs) {
        this.cluster = cluster;
        this.network = new NetworkClient(new AdminConfig(Map.of("socket.connection.setup.timeout.ms", connectTimeoutMs)),
                name, Time.SYSTEM);
        this.thread = new Thread(this::loop, name);
        thread.setDaemon(true);
    }

    public void start() {
        thread.start();
    }

    /** Asks {@code node} and records its answer, or the failure. */
    protected abstract void observe(int node);

    private void loop() {
        while (!Thread.currentThread().isInterrupted()) {
            for (int node : cluster.ids()) {
                if (Thread.currentThread().isInterrupted()) {
                    return;
                }
                observe(node);
            }
            Cluster.sleep(1000);
        }
    }

    @Override
    public void close() {
        thread.interrupt();
        try {
            thread.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            network.close();
        }
    }
}
