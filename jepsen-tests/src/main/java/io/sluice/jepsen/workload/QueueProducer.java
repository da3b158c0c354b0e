package io.sluice.jepsen.workload;

import io.sluice.jepsen.history.Op;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Random;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One writer of the queue workload: sends unique integers to random partitions at a steady rate, with
 * a bounded number in flight, and records each send's invocation and outcome. With {@link Keyed} (the
 * compacted workload) each record also gets a random key of its partition's key space, and a share of
 * them are tombstones (null value): recorded as {@code write} or {@code delete} with the value
 * {@code [key, id]}, the id being the unique integer (a tombstone's id is in the history only). When a send ends in an
 * unknown state (info) the producer is replaced and the writer continues as a new process, because
 * the old producer's ordering no longer holds. Runs on its own thread; futures complete on the
 * producer's I/O thread and only touch the (thread-safe) history and semaphore.
 */
final class QueueProducer implements Runnable {
    private static final int MAX_IN_FLIGHT = 64;

    private final WorkloadContext context;
    private final QueueClient client;
    private final String topic;
    private final AtomicLong values;
    private final long pauseNanos;
    private final long deadlineNanos;
    private final Random random;
    private final Semaphore inFlight = new Semaphore(MAX_IN_FLIGHT);
    private final Keyed keyed;
    private volatile boolean broken;

    /**
     * Keyed records: keys 0 to {@code keysPerPartition - 1} in each partition, a share {@code tombstones}
     * of the sends deleting their key.
     */
    record Keyed(int keysPerPartition, double tombstones) {
    }

    QueueProducer(WorkloadContext context, QueueClient client, String topic, AtomicLong values, double ratePerWriter,
                  long deadlineNanos, int salt) {
        this(context, client, topic, values, ratePerWriter, deadlineNanos, salt, null);
    }

    /** {@code keyed}: null for the queue's records without keys. */
    QueueProducer(WorkloadContext context, QueueClient client, String topic, AtomicLong values, double ratePerWriter,
                  long deadlineNanos, int salt, Keyed keyed) {
        this.keyed = keyed;
        this.context = context;
        this.client = client;
        this.topic = topic;
        this.values = values;
        this.pauseNanos = (long) (1e9 / Math.max(ratePerWriter, 0.1));
        this.deadlineNanos = deadlineNanos;
        this.random = context.random(salt);
    }

    @Override
    public void run() {
        while (!Thread.currentThread().isInterrupted() && System.nanoTime() < deadlineNanos) {
            int process = context.nextProcess();
            broken = false;
            QueueClient.Writer producer;
            try {
                producer = client.writer(context.producerProps());
            } catch (RuntimeException e) {
                QueueWorkload.sleep(500); // no metadata yet; try again with a new process
                continue;
            }
            try {
                sendUntilBroken(producer, process);
            } finally {
                producer.close();
            }
        }
    }

    private void sendUntilBroken(QueueClient.Writer producer, int process) {
        long next = System.nanoTime();
        while (!broken && !Thread.currentThread().isInterrupted() && System.nanoTime() < deadlineNanos) {
            QueueWorkload.sleepNanos(next - System.nanoTime());
            next += pauseNanos;
            try {
                if (!inFlight.tryAcquire(1, TimeUnit.SECONDS)) {
                    continue;
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            send(producer, process, random.nextInt(context.keys()), values.getAndIncrement());
        }
    }

    private void send(QueueClient.Writer producer, int process, int partition, long value) {
        String f = "send";
        Object recorded = value;
        byte[] key = null;
        byte[] bytes = Long.toString(value).getBytes(StandardCharsets.UTF_8);
        if (keyed != null) {
            int k = random.nextInt(keyed.keysPerPartition());
            boolean tombstone = random.nextDouble() < keyed.tombstones();
            f = tombstone ? "delete" : "write";
            recorded = List.of((long) k, value);
            key = Integer.toString(k).getBytes(StandardCharsets.UTF_8);
            bytes = tombstone ? null : bytes;
        }
        Object v = recorded;
        Op invoke = context.history().invoke(f, process, Integer.toString(partition), v, null);
        try {
            producer.send(topic, partition, key, bytes).whenComplete((offset, error) -> {
                inFlight.release();
                if (error == null) {
                    context.history().complete(invoke, Op.Type.OK, v, offset, null);
                } else {
                    // the batch may have been written before the error: its fate is unknown
                    broken = true;
                    context.history().complete(invoke, Op.Type.INFO, v, null, QueueWorkload.describe(error));
                }
            });
        } catch (RuntimeException e) {
            inFlight.release();
            broken = true;
            // refused before anything was sent (no metadata, buffer full): it cannot have happened
            context.history().complete(invoke, Op.Type.FAIL, v, null, QueueWorkload.describe(e));
        }
    }
}
