package io.sluice.jepsen.workload;

import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.InterruptException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * The queue workload on Apache Kafka's own Java client ({@code kafka-clients}) over the Kafka protocol,
 * unmodified: what a Kafka user's application does against Sluice. The workload's settings use the
 * names both clients share.
 */
final class KafkaQueueClient implements QueueClient {
    private final String groupProtocol;

    /** {@code groupProtocol}: classic or consumer (KIP-848), Kafka's {@code group.protocol}. */
    KafkaQueueClient(String groupProtocol) {
        if (!groupProtocol.equals("classic") && !groupProtocol.equals("consumer")) {
            throw new IllegalArgumentException("unknown group protocol '" + groupProtocol + "'; use classic or consumer");
        }
        this.groupProtocol = groupProtocol;
    }

    @Override
    public String name() {
        return "kafka";
    }

    @Override
    public Writer writer(Map<String, Object> props) {
        Map<String, Object> p = new HashMap<>(props);
        p.put("key.serializer", ByteArraySerializer.class.getName());
        p.put("value.serializer", ByteArraySerializer.class.getName());
        KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(p);
        return new Writer() {
            @Override
            public CompletableFuture<Long> send(String topic, int partition, byte[] key, byte[] value) {
                CompletableFuture<Long> done = new CompletableFuture<>();
                producer.send(new ProducerRecord<>(topic, partition, key, value), (meta, error) -> {
                    if (error != null) {
                        done.completeExceptionally(error);
                    } else {
                        done.complete(meta.offset());
                    }
                });
                return done;
            }

            @Override
            public void close() {
                try {
                    producer.close(Duration.ofSeconds(2));
                } catch (InterruptException e) {
                    Thread.currentThread().interrupt(); // the workload is stopping; the producer is closed anyway
                }
            }
        };
    }

    @Override
    public Reader reader(Map<String, Object> props, String topic) {
        Map<String, Object> p = new HashMap<>(props);
        p.put("key.deserializer", ByteArrayDeserializer.class.getName());
        p.put("value.deserializer", ByteArrayDeserializer.class.getName());
        p.put("enable.auto.commit", false);
        KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(p);
        return new Reader() {
            @Override
            public void assign(List<Integer> partitions) {
                consumer.assign(partitions.stream().map(n -> new TopicPartition(topic, n)).toList());
            }

            @Override
            public void seekToBeginning(int partition) {
                consumer.seekToBeginning(List.of(new TopicPartition(topic, partition)));
            }

            @Override
            public long endOffset(int partition) {
                TopicPartition tp = new TopicPartition(topic, partition);
                return consumer.endOffsets(List.of(tp)).get(tp);
            }

            @Override
            public long position(int partition) {
                return consumer.position(new TopicPartition(topic, partition));
            }

            @Override
            public Map<String, Object> poll(Duration timeout) {
                return reads(consumer.poll(timeout));
            }

            @Override
            public Map<String, Object> pollKeyed(Duration timeout) {
                Map<String, Object> reads = new TreeMap<>();
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(timeout)) {
                    QueueConsumer.addKeyedRead(reads, r.partition(), r.offset(), r.key(), r.value());
                }
                return reads;
            }

            @Override
            public void close() {
                closeQuietly(consumer);
            }
        };
    }

    /** The member's partitions and, on the classic protocol (group-wide generations), their generation. */
    private Ownership ownership(KafkaConsumer<byte[], byte[]> consumer, String topic) {
        var metadata = consumer.groupMetadata();
        return new Ownership(partitionsOf(topic, consumer.assignment()),
                groupProtocol.equals("classic") ? metadata.generationId() : -1, metadata.memberId());
    }

    @Override
    public GroupReader groupReader(Map<String, Object> props, String topic, Consumer<Ownership> onAssigned) {
        Map<String, Object> p = new HashMap<>(props);
        p.put("key.deserializer", ByteArrayDeserializer.class.getName());
        p.put("value.deserializer", ByteArrayDeserializer.class.getName());
        p.put("enable.auto.commit", false);
        p.put("group.protocol", groupProtocol);
        if (groupProtocol.equals("consumer")) {
            // KIP-848: the coordinator owns the session and heartbeat timing; the client refuses these keys
            p.remove("session.timeout.ms");
            p.remove("heartbeat.interval.ms");
        }
        KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(p);
        consumer.subscribe(List.of(topic), new ConsumerRebalanceListener() {
            @Override
            public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
                // the workload records a change that only takes partitions away after the poll
            }

            @Override
            public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
                onAssigned.accept(ownership(consumer, topic));
            }
        });
        return new GroupReader() {
            @Override
            public Map<String, Object> poll(Duration timeout) {
                return reads(consumer.poll(timeout));
            }

            @Override
            public Ownership ownership() {
                return KafkaQueueClient.this.ownership(consumer, topic);
            }

            @Override
            public void commitSync(Map<String, Long> offsets) {
                consumer.commitSync(QueueClient.commitOf(offsets, p -> new TopicPartition(topic, p), OffsetAndMetadata::new));
            }

            @Override
            public void close() {
                closeQuietly(consumer);
            }
        };
    }

    private static void closeQuietly(KafkaConsumer<byte[], byte[]> consumer) {
        try {
            consumer.close();
        } catch (InterruptException e) {
            Thread.currentThread().interrupt(); // the workload is stopping; the consumer is closed anyway
        }
    }

    private static Map<String, Object> reads(ConsumerRecords<byte[], byte[]> records) {
        Map<String, Object> reads = new TreeMap<>();
        for (ConsumerRecord<byte[], byte[]> r : records) {
            QueueConsumer.addRead(reads, r.partition(), r.offset(), r.value());
        }
        return reads;
    }

    private static List<Integer> partitionsOf(String topic, Collection<TopicPartition> assignment) {
        return assignment.stream().filter(tp -> tp.topic().equals(topic)).map(TopicPartition::partition).sorted().toList();
    }
}
