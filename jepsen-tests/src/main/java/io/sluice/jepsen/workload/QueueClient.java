package io.sluice.jepsen.workload;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * The client library a queue workload drives: Sluice's own ({@code --client sluice}, native protocol)
 * or Apache Kafka's {@code kafka-clients} over the Kafka protocol ({@code --client kafka}). The
 * workload's history and checks are the same for both; only the calls differ.
 */
public interface QueueClient {
    /** A producer of the workload's values. Used from one thread; futures complete on the client's I/O thread. */
    interface Writer extends AutoCloseable {
        /** Sends; the future completes with the record's offset or fails. Throws when refused before sending. */
        CompletableFuture<Long> send(String topic, int partition, byte[] value);

        @Override
        void close();
    }

    /** A consumer that assigns itself partitions of one topic. Used from one thread. */
    interface Reader extends AutoCloseable {
        void assign(List<Integer> partitions);

        void seekToBeginning(int partition);

        long endOffset(int partition);

        long position(int partition);

        /** The records of one poll, as partition -> list of [offset, value] in the order returned. */
        Map<String, Object> poll(Duration timeout);

        @Override
        void close();
    }

    String name();

    Writer writer(Map<String, Object> props);

    Reader reader(Map<String, Object> props, String topic);

    /** The client called {@code name}: sluice or kafka. */
    static QueueClient named(String name) {
        return switch (name) {
            case "sluice" -> new SluiceQueueClient();
            case "kafka" -> new KafkaQueueClient();
            default -> throw new IllegalArgumentException("unknown client '" + name + "'; use sluice or kafka");
        };
    }
}
