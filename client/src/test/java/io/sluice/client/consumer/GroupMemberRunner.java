package io.sluice.client.consumer;

import com.google.protobuf.MessageLite;
import io.netty.buffer.ByteBuf;
import io.sluice.client.Deserializer;
import io.sluice.client.Network;
import io.sluice.client.NetworkClient;
import io.sluice.client.Node;
import io.sluice.protocol.Time;
import io.sluice.protocol.TopicPartition;
import io.sluice.protocol.ErrorCode;
import io.sluice.protocol.SluiceException;
import io.sluice.protocol.rpc.ApiKey;
import io.sluice.protocol.wire.ResponseFrame;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * One group member on its own thread for integration tests: subscribes, polls, records what it reads,
 * commits after each batch (auto-commit off, so every commit is one the test can reason about), and
 * checks on every assignment that no other member owns the partition at that moment. {@link #crash}
 * cuts its network without leaving the group, as a killed process looks to the coordinator: its
 * partitions stay its own in {@link Owners} until its session can have expired, so a partition handed
 * over earlier is seen.
 */
final class GroupMemberRunner implements AutoCloseable {
    /** A record read: by whom, where. */
    record Read(String member, TopicPartition tp, long offset) {
    }

    /**
     * Who owns each partition, shared by the members of one group. A crashed member keeps its
     * partitions until its session can have run out: a session starts again at each heartbeat the
     * coordinator receives, so it cannot end before the member's last heartbeat was sent plus the
     * session timeout. Thread-safe.
     */
    static final class Owners {
        private final Map<TopicPartition, String> owner = new ConcurrentHashMap<>();
        private final Map<String, Long> crashedSessionEndNanos = new ConcurrentHashMap<>();

        /** Gives {@code tp} to {@code member}; returns the violation, or null if no one else may still own it. */
        synchronized String assign(TopicPartition tp, String member) {
            String previous = owner.get(tp);
            if (previous != null && !previous.equals(member)) {
                Long sessionEnd = crashedSessionEndNanos.get(previous);
                if (sessionEnd == null || System.nanoTime() < sessionEnd) {
                    return tp + " assigned to " + member + " while " + previous + " still owned it"
                            + (sessionEnd == null ? "" : " (crashed; its session had not expired)");
                }
            }
            owner.put(tp, member);
            return null;
        }

        void revoke(TopicPartition tp, String member) {
            owner.remove(tp, member);
        }

        String owner(TopicPartition tp) {
            return owner.get(tp);
        }

        void crashed(String member, long sessionEndNanos) {
            crashedSessionEndNanos.put(member, sessionEndNanos);
        }
    }

    private final String name;
    private final Owners owners;
    private final List<String> violations;
    private final List<Read> reads;
    private final CuttableNetwork network;
    private final Consumer<String, String> consumer;
    private final Set<TopicPartition> owned = ConcurrentHashMap.newKeySet();
    private final Thread thread;
    private final long sessionTimeoutMs;
    private volatile boolean running = true;
    private volatile Throwable failure;

    GroupMemberRunner(String name, String topic, Map<String, Object> props, Owners owners,
                      List<String> violations, List<Read> reads) {
        this.name = name;
        this.owners = owners;
        this.violations = violations;
        this.reads = reads;
        this.sessionTimeoutMs = ((Number) props.getOrDefault("session.timeout.ms", 45_000)).longValue();
        ConsumerConfig config = new ConsumerConfig(props);
        this.network = new CuttableNetwork(new NetworkClient(config, name, Time.SYSTEM));
        this.consumer = new Consumer<>(config, Deserializer.STRING, Deserializer.STRING, Time.SYSTEM, network);
        this.thread = new Thread(() -> run(topic), "member-" + name);
        this.thread.start();
    }

    private void run(String topic) {
        try {
            consumer.subscribe(List.of(topic), new ConsumerRebalanceListener() {
                @Override
                public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
                    for (TopicPartition tp : partitions) {
                        owned.remove(tp);
                        owners.revoke(tp, name);
                    }
                }

                @Override
                public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
                    for (TopicPartition tp : partitions) {
                        String violation = owners.assign(tp, name);
                        if (violation != null) {
                            violations.add(violation);
                        }
                        owned.add(tp);
                    }
                }
            });
            while (running) {
                ConsumerRecords<String, String> records = consumer.poll(Duration.ofMillis(100));
                for (ConsumerRecord<String, String> r : records) {
                    if (!name.equals(owners.owner(r.topicPartition()))) {
                        violations.add(name + " read " + r.topicPartition() + "@" + r.offset() + " owned by "
                                + owners.owner(r.topicPartition()));
                    }
                    reads.add(new Read(name, r.topicPartition(), r.offset()));
                }
                if (!records.isEmpty() && !network.cut) {
                    try {
                        consumer.commitSync();
                    } catch (CommitFailedException e) {
                        // Fenced (the coordinator moved): as a Kafka application does, go on polling; the
                        // partitions come back at their committed offsets and these records are read again.
                    }
                }
            }
        } catch (Throwable t) {
            if (running) {
                failure = t;
            }
        }
    }

    String name() {
        return name;
    }

    Set<TopicPartition> owned() {
        return Set.copyOf(owned);
    }

    Throwable failure() {
        return failure;
    }

    /**
     * Stops reading and cuts the network without leaving: the coordinator notices only when the
     * session times out, and until then its partitions stay this member's in {@link Owners}.
     */
    void crash() throws InterruptedException {
        network.cut = true;
        running = false;
        thread.join(10_000);
        owners.crashed(name, network.lastHeartbeatNanos + java.util.concurrent.TimeUnit.MILLISECONDS.toNanos(sessionTimeoutMs));
    }

    @Override
    public void close() throws InterruptedException {
        running = false;
        thread.join(30_000);
        consumer.close();
    }

    /** A network that can be cut: every request then fails as an unreachable node would. */
    static final class CuttableNetwork implements Network {
        private final Network delegate;
        volatile boolean cut;
        /** When the last request that restarts the member's session went out before the cut. */
        volatile long lastHeartbeatNanos = System.nanoTime();

        CuttableNetwork(Network delegate) {
            this.delegate = delegate;
        }

        @Override
        public CompletableFuture<ResponseFrame> send(Node node, ApiKey api, MessageLite body, ByteBuf raw, long timeoutMs) {
            if (cut) {
                if (raw != null) {
                    raw.release();
                }
                return CompletableFuture.failedFuture(new SluiceException(ErrorCode.NETWORK_EXCEPTION, "cut by the test"));
            }
            if (api == ApiKey.GROUP_HEARTBEAT) { // members join and stay through heartbeats
                lastHeartbeatNanos = System.nanoTime();
            }
            return delegate.send(node, api, body, raw, timeoutMs);
        }

        @Override
        public boolean isConnected(Node node) {
            return !cut && delegate.isConnected(node);
        }

        @Override
        public void close() {
            delegate.close();
        }
    }

    static List<Read> newReadLog() {
        return new CopyOnWriteArrayList<>();
    }

    static List<String> newViolationLog() {
        return new CopyOnWriteArrayList<>(new ArrayList<>());
    }
}
