package io.sluice.jepsen.workload;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import java.util.function.IntFunction;
import java.util.function.LongFunction;

/**
 * The client library a queue workload drives: Sluice's own ({@code --client sluice}, native protocol)
 * or Apache Kafka's {@code kafka-clients} over the Kafka protocol ({@code --client kafka}). The
 * workload's history and checks are the same for both; only the calls differ.
 */
public interface QueueClient {
    /** A producer of the workload's values. Used from one thread; futures complete on the client's I/O thread. */
    interface Writer extends AutoCloseable {
        /** Sends; the future completes with the record's offset or fails. Throws when refused before sending. */
        default CompletableFuture<Long> send(String topic, int partition, byte[] value) {
            return send(topic, partition, null, value);
        }

        /** Sends a record with {@code key} (null: none) and {@code value} (null: a tombstone), as {@link #send}. */
        CompletableFuture<Long> send(String topic, int partition, byte[] key, byte[] value);

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

        /**
         * The records of one poll with their keys, as partition -> list of [offset, key, value] in the
         * order returned; key and value are the workload's integers, null for a missing key or a tombstone.
         */
        Map<String, Object> pollKeyed(Duration timeout);

        @Override
        void close();
    }

    /** A member of a consumer group subscribed to one topic. Used from one thread. */
    interface GroupReader extends AutoCloseable {
        /**
         * The records of one poll, as partition -> list of [offset, value]; when the group adds partitions
         * to this member, the assignment listener is called inside, before any of them is read.
         */
        Map<String, Object> poll(Duration timeout);

        /** The partitions of the topic this member holds now, and their generation. */
        Ownership ownership();

        /** Commits partition -> next offset to read (the history's keys); throws when it did not succeed. */
        void commitSync(Map<String, Long> offsets);

        @Override
        void close();
    }

    /**
     * A commit's argument in a client's own types, from the history's partition -> next offset:
     * {@code partition} and {@code offset} make the client's key and value.
     */
    static <K, V> Map<K, V> commitOf(Map<String, Long> offsets, IntFunction<K> partition, LongFunction<V> offset) {
        Map<K, V> commit = new HashMap<>();
        offsets.forEach((key, next) -> commit.put(partition.apply(Integer.parseInt(key)), offset.apply(next)));
        return commit;
    }

    String name();

    Writer writer(Map<String, Object> props);

    Reader reader(Map<String, Object> props, String topic);

    /**
     * A member of the group {@code props} name, subscribed to {@code topic}; {@code onAssigned} gets the
     * member's whole assignment of the topic whenever the group adds partitions to it.
     */
    GroupReader groupReader(Map<String, Object> props, String topic, Consumer<Ownership> onAssigned);

    /**
     * A member's partitions of the topic, in order, and the group generation they were given in, -1
     * where a generation is not group-wide (KIP-848's member epochs, Sluice's incarnations), so that
     * {@code OwnershipChecker} can check that one generation never gives a partition to two members.
     */
    record Ownership(List<Integer> partitions, int generation, String member) {
        public Ownership {
            partitions = List.copyOf(partitions);
        }
    }

    /** The client called {@code name}: sluice or kafka (its groups on Kafka's classic protocol). */
    static QueueClient named(String name) {
        return named(name, "classic");
    }

    /**
     * The client called {@code name}; for kafka, {@code groupProtocol} is its {@code group.protocol}:
     * classic (JoinGroup/SyncGroup, client-side assignment) or consumer (KIP-848, server-side).
     */
    static QueueClient named(String name, String groupProtocol) {
        return switch (name) {
            case "sluice" -> new SluiceQueueClient();
            case "kafka" -> new KafkaQueueClient(groupProtocol);
            default -> throw new IllegalArgumentException("unknown client '" + name + "'; use sluice or kafka");
        };
    }
}
