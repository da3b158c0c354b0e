package io.sluice.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sluice.client.admin.Admin;
import io.sluice.client.admin.NewTopic;
import io.sluice.client.admin.TopicDescription;
import io.sluice.client.consumer.Consumer;
import io.sluice.client.consumer.ConsumerRecord;
import io.sluice.client.producer.Producer;
import io.sluice.client.producer.ProducerRecord;
import io.sluice.protocol.TopicPartition;
import io.sluice.server.TestCluster;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A partition leader dies while an idempotent producer writes with {@code acks=all} without pause:
 * every acknowledged record must be read back exactly once, at the offset it was acknowledged at, and
 * the killed node, restarted with its data, must catch up and rejoin every ISR.
 */
@Timeout(value = 240, unit = TimeUnit.SECONDS)
class FailoverIT {
    private static final String TOPIC = "continuous";
    private static final int PARTITIONS = 3;

    /** Where an acknowledged value was written. */
    private record Ack(int partition, long offset) {
    }

    @Test
    void acknowledgedWritesSurviveALeaderKilledMidStreamAndTheNodeRejoins() throws Exception {
        try (TestCluster cluster = TestCluster.start(3);
             Admin admin = Admin.create(Map.of("bootstrap.servers", cluster.bootstrapServers()))) {
            admin.createTopics(List.of(new NewTopic(TOPIC, PARTITIONS, 3, Map.of("min.insync.replicas", "2"))))
                    .get(30, TimeUnit.SECONDS);
            TestCluster.await(Duration.ofSeconds(30), "every partition with a full ISR",
                    () -> isrSizes(admin).stream().allMatch(n -> n == 3));
            int victim = describe(admin).partitions().get(0).leader();

            Map<String, Ack> acked = new ConcurrentHashMap<>();
            Map<String, Throwable> failed = new ConcurrentHashMap<>();
            AtomicInteger sent = new AtomicInteger();
            Map<String, Object> producerProps = new HashMap<>();
            producerProps.put("bootstrap.servers", cluster.bootstrapServers());
            producerProps.put("acks", "all");
            producerProps.put("linger.ms", 2);
            producerProps.put("delivery.timeout.ms", 60_000);
            try (Producer<String, String> producer = new Producer<>(producerProps, Serializer.STRING, Serializer.STRING)) {
                Thread writer = new Thread(() -> {
                    for (int n = 0; !Thread.currentThread().isInterrupted(); n++) {
                        String value = "v" + n;
                        try {
                            producer.send(new ProducerRecord<>(TOPIC, n % PARTITIONS, null, value), (md, e) -> {
                                if (e == null) {
                                    acked.put(value, new Ack(md.partition(), md.offset()));
                                } else {
                                    failed.put(value, e);
                                }
                            });
                        } catch (RuntimeException e) {
                            return; // interrupted while waiting for buffer memory: this one was not sent
                        }
                        sent.incrementAndGet();
                        if (n % 50 == 49) {
                            try {
                                Thread.sleep(5); // a steady stream, not one burst
                            } catch (InterruptedException e) {
                                return;
                            }
                        }
                    }
                }, "writer");
                writer.start();
                try {
                    TestCluster.await(Duration.ofSeconds(30), "writes acknowledged before the kill", () -> acked.size() > 500);
                    cluster.killNode(victim);
                    int before = acked.size();
                    TestCluster.await(Duration.ofSeconds(60), "writes acknowledged by the new leaders",
                            () -> acked.size() > before + 2_000);
                } finally {
                    writer.interrupt();
                    writer.join(10_000);
                }
                producer.flush();
            }
            assertEquals(Map.of(), failed, "with a 60 s delivery timeout no send should fail");
            assertEquals(sent.get(), acked.size(), "every send acknowledged");

            cluster.startNode(victim);
            TestCluster.await(Duration.ofSeconds(90), "node " + victim + " back in every ISR",
                    () -> isrSizes(admin).stream().allMatch(n -> n == 3));

            Map<String, Ack> read = readAll(cluster, acked.size());
            for (Map.Entry<String, Ack> e : acked.entrySet()) {
                assertEquals(e.getValue(), read.get(e.getKey()), "value " + e.getKey() + " read where it was acknowledged");
            }
            assertEquals(acked.size(), read.size(), "nothing read that was not acknowledged");
        }
    }

    private static TopicDescription describe(Admin admin) throws Exception {
        return admin.describeTopics(List.of(TOPIC)).get(10, TimeUnit.SECONDS).get(TOPIC);
    }

    private static List<Integer> isrSizes(Admin admin) {
        try {
            return describe(admin).partitions().stream().map(p -> p.isr().size()).toList();
        } catch (Exception e) {
            return List.of();
        }
    }

    /** Reads every partition from the beginning; fails on a value read twice. */
    private static Map<String, Ack> readAll(TestCluster cluster, int expected) {
        Map<String, Ack> read = new HashMap<>();
        try (Consumer<String, String> consumer = new Consumer<>(Map.of("bootstrap.servers", cluster.bootstrapServers(),
                "auto.offset.reset", "earliest"), Deserializer.STRING, Deserializer.STRING)) {
            List<TopicPartition> tps = new ArrayList<>();
            for (int p = 0; p < PARTITIONS; p++) {
                tps.add(new TopicPartition(TOPIC, p));
            }
            consumer.assign(tps);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (read.size() < expected && System.nanoTime() < deadline) {
                for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(500))) {
                    Ack previous = read.put(r.value(), new Ack(r.partition(), r.offset()));
                    assertTrue(previous == null, r.value() + " read at " + previous + " and again at " + r.offset());
                }
            }
        }
        return read;
    }
}
