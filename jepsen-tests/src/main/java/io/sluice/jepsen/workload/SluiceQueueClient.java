package io.sluice.jepsen.workload;

import io.sluice.protocol.TopicPartition;
import io.sluice.client.consumer.Consumer;
import io.sluice.client.consumer.ConsumerRebalanceListener;
import io.sluice.client.consumer.ConsumerRecord;
import io.sluice.client.consumer.OffsetAndMetadata;
import io.sluice.client.producer.Producer;
import io.sluice.client.producer.ProducerRecord;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;

/** The queue workload on Sluice's own client library (the native protocol). */
final class SluiceQueueClient implements QueueClient {
    @Override
    public String name() {
        return "sluice";
    }

    @Override
    public Writer writer(Map<String, Object> props) {
        Producer<byte[], byte[]> producer = Producer.ofBytes(props);
        return new Writer() {
            @Override
            public CompletableFuture<Long> send(String topic, int partition, byte[] key, byte[] value) {
                return producer.send(new ProducerRecord<>(topic, partition, key, value)).thenApply(m -> m.offset());
            }

            @Override
            public void close() {
                producer.close(Duration.ofSeconds(2));
            }
        };
    }

    @Override
    public Reader reader(Map<String, Object> props, String topic) {
        Consumer<byte[], byte[]> consumer = Consumer.ofBytes(props);
        return new Reader() {
            @Override
            public void assign(List<Integer> partitions) {
                consumer.assign(partitions.stream().map(p -> new TopicPartition(topic, p)).toList());
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
                return QueueConsumer.reads(consumer.poll(timeout));
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
                consumer.close();
            }
        };
    }

    /**
     * The member's partitions; no generation: Sluice's groups reconcile each member to a target of its
     * own (member incarnations, as KIP-848's epochs), not group-wide generations.
     */
    private static Ownership ownership(Consumer<byte[], byte[]> consumer, String topic) {
        return new Ownership(partitionsOf(topic, consumer.assignment()), -1, "");
    }

    @Override
    public GroupReader groupReader(Map<String, Object> props, String topic, java.util.function.Consumer<Ownership> onAssigned) {
        Consumer<byte[], byte[]> consumer = Consumer.ofBytes(props);
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
                return QueueConsumer.reads(consumer.poll(timeout));
            }

            @Override
            public Ownership ownership() {
                return SluiceQueueClient.ownership(consumer, topic);
            }

            @Override
            public void commitSync(Map<String, Long> offsets) {
                consumer.commitSync(QueueClient.commitOf(offsets, p -> new TopicPartition(topic, p), OffsetAndMetadata::new));
            }

            @Override
            public void close() {
                consumer.close();
            }
        };
    }

    private static List<Integer> partitionsOf(String topic, Collection<TopicPartition> assignment) {
        return assignment.stream().filter(tp -> tp.topic().equals(topic)).map(TopicPartition::partition).sorted().toList();
    }
}
