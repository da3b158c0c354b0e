package io.sluice.jepsen.workload;

import io.sluice.client.consumer.Consumer;
import io.sluice.client.consumer.ConsumerRecord;
import io.sluice.client.consumer.ConsumerRecords;
import io.sluice.jepsen.history.Op;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;

/**
 * One reader of the queue workload: assigns itself a random set of partitions, polls, and every few
 * seconds picks a new set. Each {@code assign} and {@code poll} is recorded; a poll that throws is a
 * fail (reads change nothing) and the reader starts over with a new consumer and process. Runs on its
 * own thread; the consumer is used only from it.
 */
final class QueueConsumer implements Runnable {
    private static final long REASSIGN_NANOS = 5_000_000_000L;

    private final WorkloadContext context;
    private final QueueClient client;
    private final String topic;
    private final long deadlineNanos;
    private final Random random;

    QueueConsumer(WorkloadContext context, QueueClient client, String topic, long deadlineNanos, int salt) {
        this.context = context;
        this.client = client;
        this.topic = topic;
        this.deadlineNanos = deadlineNanos;
        this.random = context.random(salt);
    }

    @Override
    public void run() {
        while (!Thread.currentThread().isInterrupted() && System.nanoTime() < deadlineNanos) {
            int process = context.nextProcess();
            try (QueueClient.Reader consumer = client.reader(context.consumerProps(), topic)) {
                while (!Thread.currentThread().isInterrupted() && System.nanoTime() < deadlineNanos) {
                    assign(consumer, process, randomKeys());
                    long until = Math.min(deadlineNanos, System.nanoTime() + REASSIGN_NANOS);
                    while (System.nanoTime() < until && !Thread.currentThread().isInterrupted()) {
                        poll(context, consumer, process, Duration.ofMillis(200));
                    }
                }
            } catch (RuntimeException e) {
                QueueWorkload.sleep(200); // the failure is in the history; go on as a new process
            }
        }
    }

    private List<Integer> randomKeys() {
        List<Integer> keys = new ArrayList<>();
        for (int k = 0; k < context.keys(); k++) {
            if (random.nextBoolean()) {
                keys.add(k);
            }
        }
        if (keys.isEmpty()) {
            keys.add(random.nextInt(context.keys()));
        }
        return keys;
    }

    void assign(QueueClient.Reader consumer, int process, List<Integer> keys) {
        List<String> names = keys.stream().map(String::valueOf).toList();
        Op invoke = context.history().invoke("assign", process, null, names, null);
        consumer.assign(keys);
        context.history().complete(invoke, Op.Type.OK, names, null, null);
    }

    /** One recorded poll of a Sluice consumer; returns the records, or throws after recording a fail. */
    static ConsumerRecords<byte[], byte[]> poll(WorkloadContext context, Consumer<byte[], byte[]> consumer,
                                                int process, Duration timeout) {
        var records = new java.util.concurrent.atomic.AtomicReference<ConsumerRecords<byte[], byte[]>>();
        poll(context, process, () -> {
            records.set(consumer.poll(timeout));
            return reads(records.get());
        });
        return records.get();
    }

    /** One recorded poll of either client; returns partition -> [offset, value] pairs, or throws after recording a fail. */
    static Map<String, Object> poll(WorkloadContext context, QueueClient.Reader consumer, int process,
                                    Duration timeout) {
        return poll(context, process, () -> consumer.poll(timeout));
    }

    /** One recorded poll: {@code poll} returns partition -> [offset, value] pairs; throws after recording a fail. */
    static Map<String, Object> poll(WorkloadContext context, int process,
                                    java.util.function.Supplier<Map<String, Object>> poll) {
        Op invoke = context.history().invoke("poll", process, null, null, null);
        try {
            Map<String, Object> reads = poll.get();
            context.history().complete(invoke, Op.Type.OK, reads, null, null);
            return reads;
        } catch (RuntimeException e) {
            context.history().complete(invoke, Op.Type.FAIL, null, null, QueueWorkload.describe(e));
            throw e;
        }
    }

    /** The poll's value in the history: partition -> list of [offset, value], in the order returned. */
    static Map<String, Object> reads(ConsumerRecords<byte[], byte[]> records) {
        Map<String, Object> reads = new TreeMap<>();
        for (ConsumerRecord<byte[], byte[]> r : records) {
            addRead(reads, r.partition(), r.offset(), r.value());
        }
        return reads;
    }

    /** Adds one record to a poll's value in the history (partition -> list of [offset, value]); any client. */
    static void addRead(Map<String, Object> reads, int partition, long offset, byte[] value) {
        @SuppressWarnings("unchecked")
        List<Object> list = (List<Object>) reads.computeIfAbsent(Integer.toString(partition), k -> new ArrayList<>());
        list.add(List.of(offset, Long.parseLong(new String(value, StandardCharsets.UTF_8))));
    }

    /** Adds one keyed record to a poll's value: partition -> list of [offset, key, value], null for none. */
    static void addKeyedRead(Map<String, Object> reads, int partition, long offset, byte[] key, byte[] value) {
        @SuppressWarnings("unchecked")
        List<Object> list = (List<Object>) reads.computeIfAbsent(Integer.toString(partition), k -> new ArrayList<>());
        list.add(java.util.Arrays.asList(offset, number(key), number(value)));
    }

    private static Long number(byte[] bytes) {
        return bytes == null ? null : Long.parseLong(new String(bytes, StandardCharsets.UTF_8));
    }
}
