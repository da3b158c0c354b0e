package io.sluice.tools;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sluice.client.PartitionInfo;
import io.sluice.client.admin.Admin;
import io.sluice.client.admin.NewTopic;
import io.sluice.client.consumer.Consumer;
import io.sluice.client.consumer.ConsumerRecord;
import io.sluice.client.producer.Producer;
import io.sluice.client.producer.ProducerRecord;
import io.sluice.protocol.TopicPartition;
import io.sluice.server.TestCluster;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@code ./sluice cluster decommission} on five in-process nodes: refused, changing nothing, while a
 * topic has more replicas than the other brokers; then every replica of broker 3 moves off it while a
 * producer writes with acks=all, the command returns once none is left, and every acknowledged record
 * (before and during) reads back.
 */
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class BrokerDecommissionIT {
    private static final String TOPIC = "orders";
    private static final int PARTITIONS = 6;

    @Test
    void everyReplicaLeavesTheBrokerAndNoAcknowledgedRecordIsLost() throws Exception {
        try (TestCluster cluster = TestCluster.start(5);
             Admin admin = Admin.create(Map.of("bootstrap.servers", cluster.bootstrapServers()))) {
            cluster.awaitReady(Duration.ofSeconds(60));
            String bootstrap = cluster.bootstrapServers();
            admin.createTopics(List.of(new NewTopic(TOPIC, PARTITIONS, 3), new NewTopic("wide", 1, 5))).get(30, TimeUnit.SECONDS);
            TestCluster.await(Duration.ofSeconds(30), "leaders", () -> partitions(admin, TOPIC).stream().allMatch(p -> p.leader() > 0));
            Map<TopicPartition, List<Integer>> before = replicas(admin);

            SluiceRun refused = SluiceRun.of("cluster", "--bootstrap-server", bootstrap, "decommission", "--id", "3");
            assertEquals(1, refused.exit(), refused.out() + refused.err());
            assertTrue(refused.err().contains("partition wide-0 has 5 replicas, and only 4 other live brokers [1, 2, 4, 5]"),
                    refused.err());
            assertEquals(before, replicas(admin), "a refused decommission moves nothing");
            admin.deleteTopics(List.of("wide")).get(30, TimeUnit.SECONDS);
            assertTrue(replicas(admin, TOPIC).values().stream().anyMatch(r -> r.contains(3)), "broker 3 holds replicas");

            Set<String> acked = ConcurrentHashMap.newKeySet();
            try (Producer<byte[], byte[]> producer = Producer.ofBytes(Map.of("bootstrap.servers", bootstrap, "acks", "all"))) {
                List<CompletableFuture<?>> sends = new ArrayList<>();
                IntStream.range(0, 300).forEach(i -> sends.add(send(producer, "before-" + i, acked)));
                CompletableFuture.allOf(sends.toArray(new CompletableFuture[0])).get(60, TimeUnit.SECONDS);
                AtomicBoolean running = new AtomicBoolean(true);
                Thread writer = new Thread(() -> {
                    for (int i = 0; running.get(); i++) {
                        try {
                            send(producer, "during-" + i, acked).get(30, TimeUnit.SECONDS);
                        } catch (Exception e) {
                            // not acknowledged: not required to read back
                        }
                    }
                }, "writer");
                writer.start();
                TestCluster.await(Duration.ofSeconds(30), "writes flowing", () -> acked.size() > 350);

                SluiceRun done = SluiceRun.of("cluster", "--bootstrap-server", bootstrap, "decommission", "--id", "3");

                int duringMoves = acked.size();
                TestCluster.await(Duration.ofSeconds(30), "writes after the moves", () -> acked.size() > duringMoves + 50);
                running.set(false);
                writer.join(60_000);
                assertEquals(0, done.exit(), done.out() + done.err());
                assertTrue(done.out().contains("Broker 3 hosts no replicas"), done.out());
            }
            Map<TopicPartition, List<Integer>> after = replicas(admin, TOPIC);
            after.forEach((tp, r) -> {
                assertFalse(r.contains(3), tp + " still on 3: " + r);
                assertEquals(3, new HashSet<>(r).size(), tp + " keeps 3 replicas: " + r);
            });
            assertEquals(0, SluiceRun.of("cluster", "--bootstrap-server", bootstrap, "decommission", "--id", "3",
                    "--verify").exit());
            Set<String> read = readAll(bootstrap);
            Set<String> lost = new HashSet<>(acked);
            lost.removeAll(read);
            assertTrue(lost.isEmpty(), lost.size() + " acknowledged records lost, e.g. " + lost.stream().limit(5).toList());
            assertTrue(acked.stream().filter(v -> v.startsWith("during-")).count() > 100, "written during the moves");
        }
    }

    private static CompletableFuture<?> send(Producer<byte[], byte[]> producer, String value, Set<String> acked) {
        return producer.send(new ProducerRecord<>(TOPIC, null, null, value.getBytes(StandardCharsets.UTF_8),
                value.getBytes(StandardCharsets.UTF_8), List.of())).thenRun(() -> acked.add(value));
    }

    private static Set<String> readAll(String bootstrap) {
        List<String> read = new ArrayList<>();
        try (Consumer<byte[], byte[]> consumer = Consumer.ofBytes(Map.of("bootstrap.servers", bootstrap))) {
            List<TopicPartition> all = IntStream.range(0, PARTITIONS).mapToObj(p -> new TopicPartition(TOPIC, p)).toList();
            consumer.assign(all);
            consumer.seekToBeginning(all);
            Map<TopicPartition, Long> end = consumer.endOffsets(all);
            TestCluster.await(Duration.ofSeconds(60), "the end of every partition", () -> {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    read.add(new String(r.value(), StandardCharsets.UTF_8));
                }
                return all.stream().allMatch(tp -> consumer.position(tp) >= end.get(tp));
            });
        }
        assertEquals(read.size(), new HashSet<>(read).size(), "no record twice");
        return new HashSet<>(read);
    }

    private static List<PartitionInfo> partitions(Admin admin, String topic) {
        try {
            return admin.describeTopics(List.of(topic)).get(10, TimeUnit.SECONDS).get(topic).partitions();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static Map<TopicPartition, List<Integer>> replicas(Admin admin, String... topics) throws Exception {
        List<String> names = topics.length > 0 ? List.of(topics) : new ArrayList<>(admin.listTopics().get(10, TimeUnit.SECONDS));
        Map<TopicPartition, List<Integer>> replicas = new java.util.TreeMap<>(
                (a, b) -> a.toString().compareTo(b.toString()));
        for (String t : names) {
            partitions(admin, t).forEach(p -> replicas.put(p.topicPartition(), p.replicas()));
        }
        return replicas;
    }
}
