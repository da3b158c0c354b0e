package io.sluice.jepsen.workload;

import io.sluice.jepsen.history.Op;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One writer of the queue workload: sends unique integers to random partitions at a steady rate, with
 * a bounded number in flight, and records each send's invocation and outcome. When a send ends in an
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
    private volatile boolean broken;

    QueueProducer(WorkloadContext context, QueueClient client, String topic, AtomicLong values, double ratePerWriter,
                  long deadlineNanos, int salt) {
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
        Op invoke = context.history().invoke("send", process, Integer.toString(partition), value, null);
        byte[] bytes = Long.toString(value).getBytes(StandardCharsets.UTF_8);
        try {
            producer.send(topic, partition, bytes).whenComplete((offset, error) -> {
                inFlight.release();
                if (error == null) {
                    context.history().complete(invoke, Op.Type.OK, value, offset, null);
                } else {
                    // the batch may have been written before the error: its fate is unknown
                    broken = true;
                    context.history().complete(invoke, Op.Type.INFO, value, null, QueueWorkload.describe(error));
                }
            });
        } catch (RuntimeException e) {
            inFlight.release();
            broken = true;
            // refused before anything was sent (no metadata, buffer full): it cannot have happened
            context.history().complete(invoke, Op.Type.FAIL, value, null, QueueWorkload.describe(e));
        }
    }
}
