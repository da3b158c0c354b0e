package io.sluice.jepsen.workload;

import io.sluice.protocol.ErrorCode;
import io.sluice.protocol.SluiceException;
import io.sluice.protocol.TopicPartition;
import io.sluice.client.admin.Admin;
import io.sluice.client.admin.NewTopic;
import io.sluice.client.admin.TopicDescription;
import io.sluice.client.consumer.Consumer;
import io.sluice.client.consumer.ConsumerRecord;
import io.sluice.jepsen.checker.CheckResult;
import io.sluice.jepsen.checker.CommitChecker;
import io.sluice.jepsen.checker.OwnershipChecker;
import io.sluice.jepsen.checker.QueueChecker;
import io.sluice.jepsen.history.Op;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Jepsen's Kafka queue workload: writers send unique integers to the partitions (the keys) of one
 * topic; readers either {@code assign} themselves random sets of partitions or, with {@code subscribe},
 * join one consumer group and commit as they go ({@link GroupConsumer}); after healing, each partition
 * is read from the beginning until every acknowledged value of it was seen, or the timeout. Safe mode
 * uses replication factor 3 (or the node count), {@code min.insync.replicas=2} and idempotent
 * {@code acks=all} producers; unsafe mode uses {@code acks=1}, {@code min.insync.replicas=1} and
 * unclean leader election. The static helpers are shared with {@link OffsetsWorkload}. Not thread-safe:
 * the test calls it from one thread; it owns its client threads.
 */
public final class QueueWorkload implements Workload {
    static final String TOPIC = "jepsen-queue";
    /** The group of the readers in the subscribe variant. */
    static final String GROUP = "jepsen-queue-readers";

    private final boolean subscribe;
    private final QueueClient client;
    private final List<Thread> threads = new ArrayList<>();

    /** The {@code assign} variant on Sluice's own client. */
    public QueueWorkload() {
        this(false, QueueClient.named("sluice"));
    }

    /**
     * @param subscribe readers are members of one consumer group instead of assigning partitions themselves
     *                  (Sluice's client only)
     * @param client    the client library the writers and the readers use
     */
    public QueueWorkload(boolean subscribe, QueueClient client) {
        if (subscribe && !client.name().equals("sluice")) {
            throw new IllegalArgumentException("--subscribe runs on Sluice's own client only; use --client sluice");
        }
        this.subscribe = subscribe;
        this.client = client;
    }

    @Override
    public String topic() {
        return TOPIC;
    }

    @Override
    public void setup(WorkloadContext context) throws Exception {
        createTopic(context, TOPIC);
    }

    /** Creates the topic with {@code keys} partitions and waits until each has a leader and a full ISR. */
    static void createTopic(WorkloadContext context, String topic) throws Exception {
        createTopic(context, topic, Map.of());
    }

    /** As {@link #createTopic(WorkloadContext, String)}, with {@code extra} topic settings. */
    static void createTopic(WorkloadContext context, String topic, Map<String, String> extra) throws Exception {
        int rf = Math.min(3, context.cluster().ids().size());
        Map<String, String> configs = new java.util.HashMap<>(extra);
        configs.putAll(context.unsafe()
                ? Map.of("min.insync.replicas", "1", "unclean.leader.election.enable", "true")
                : Map.of("min.insync.replicas", Integer.toString(Math.min(2, rf))));
        try (Admin admin = context.cluster().admin(context.cluster().bootstrap())) {
            long createDeadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (true) {
                try {
                    admin.createTopics(List.of(new NewTopic(topic, context.keys(), rf, configs))).get(30, TimeUnit.SECONDS);
                    break;
                } catch (ExecutionException e) {
                    // a create that timed out (a loaded machine) is sent again; if the first one was
                    // applied, the resend finds the topic: nothing else creates it, so it is ours (checked below)
                    if (e.getCause() instanceof SluiceException s && s.code() == ErrorCode.TOPIC_ALREADY_EXISTS) {
                        break;
                    }
                    if (System.nanoTime() > createDeadline) {
                        throw e;
                    }
                    sleep(1000);
                }
            }
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (System.nanoTime() < deadline) {
                TopicDescription d = admin.describeTopics(List.of(topic)).get(10, TimeUnit.SECONDS).get(topic);
                if (d != null && d.partitions().size() == context.keys()
                        && d.partitions().stream().allMatch(p -> p.leader() > 0 && p.isr().size() == rf)) {
                    return;
                }
                sleep(500);
            }
        }
        throw new IllegalStateException("topic " + topic + " did not get a leader and full ISR for every partition in 60 s");
    }

    @Override
    public void start(WorkloadContext context, long deadline) {
        threads.addAll(startWriters(context, client, TOPIC, deadline));
        for (int i = 0; i < context.clients(); i++) {
            Runnable reader = subscribe ? new GroupConsumer(context, client, TOPIC, GROUP, deadline, 1000 + i)
                    : new QueueConsumer(context, client, TOPIC, deadline, 1000 + i);
            threads.add(QueueWorkload.started("reader-" + i, reader));
        }
    }

    /** Starts {@code clients} writers of unique values to {@code topic}, at {@code rate} writes/s together. */
    static List<Thread> startWriters(WorkloadContext context, QueueClient client, String topic, long deadline) {
        AtomicLong values = new AtomicLong();
        List<Thread> writers = new ArrayList<>();
        for (int i = 0; i < context.clients(); i++) {
            writers.add(QueueWorkload.started("writer-" + i,
                    new QueueProducer(context, client, topic, values, context.rate() / context.clients(), deadline, i)));
        }
        return writers;
    }

    @Override
    public void stop() {
        stopAll(threads);
    }

    /** Interrupts the threads and waits up to 15 s for each, then forgets them. */
    static void stopAll(List<Thread> threads) {
        threads.forEach(Thread::interrupt);
        for (Thread t : threads) {
            try {
                t.join(15_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
        threads.clear();
    }

    @Override
    public void finalReads(WorkloadContext context, Duration timeout) {
        readAll(context, client, TOPIC, System.nanoTime() + timeout.toNanos());
    }

    /** Reads each partition of {@code topic} until every acknowledged value of it was seen, or the deadline. */
    static void readAll(WorkloadContext context, QueueClient client, String topic, long deadline) {
        Map<String, Set<Long>> acked = ackedValues(context.history().ops());
        for (int p = 0; p < context.keys(); p++) {
            Set<Long> missing = new HashSet<>(acked.getOrDefault(Integer.toString(p), Set.of()));
            while (System.nanoTime() < deadline && !readPartition(context, client, topic, p, missing, deadline)) {
                sleep(500); // the consumer failed (the failure is recorded); try a fresh one
            }
        }
    }

    /** Reads partition {@code p} from the beginning until {@code missing} is empty and the end is reached. */
    private static boolean readPartition(WorkloadContext context, QueueClient client, String topic, int partition,
                                         Set<Long> missing, long deadline) {
        int process = context.nextProcess();
        String p = Integer.toString(partition);
        try (QueueClient.Reader consumer = client.reader(context.consumerProps(), topic)) {
            Op assign = context.history().invoke("assign", process, null, List.of(p), null);
            consumer.assign(List.of(partition));
            consumer.seekToBeginning(partition);
            context.history().complete(assign, Op.Type.OK, List.of(p), null, null);
            long end = consumer.endOffset(partition);
            while (System.nanoTime() < deadline) {
                Map<String, Object> reads = QueueConsumer.poll(context, consumer, process, Duration.ofMillis(500));
                @SuppressWarnings("unchecked")
                List<List<Object>> pairs = (List<List<Object>>) reads.getOrDefault(p, List.of());
                for (List<Object> pair : pairs) {
                    missing.remove((Long) pair.get(1));
                }
                if (consumer.position(partition) >= end) {
                    long newEnd = consumer.endOffset(partition);
                    if (missing.isEmpty() || newEnd <= end) {
                        return true; // the whole log was read: what is still missing is not in it
                    }
                    end = newEnd; // the high watermark moved (a replica caught up): read on
                }
            }
            return true; // out of time: what was not read stays unseen
        } catch (RuntimeException e) {
            return false;
        }
    }

    private static Map<String, Set<Long>> ackedValues(List<Op> ops) {
        Map<String, Set<Long>> acked = new java.util.HashMap<>();
        for (Op op : ops) {
            if ("send".equals(op.f()) && op.isOk()) {
                acked.computeIfAbsent(op.key(), k -> new HashSet<>()).add(op.longValue());
            }
        }
        return acked;
    }

    @Override
    public CheckResult check(List<Op> history) {
        return subscribe ? CheckResult.merge(List.of(new QueueChecker().check(history), new CommitChecker().check(history),
                new OwnershipChecker().check(history)))
                : new QueueChecker().check(history);
    }

    /** A short reason for the history: the root cause's class and message. */
    static String describe(Throwable error) {
        Throwable cause = error;
        while ((cause instanceof CompletionException || cause instanceof ExecutionException) && cause.getCause() != null) {
            cause = cause.getCause();
        }
        return cause.getClass().getSimpleName() + ": " + cause.getMessage();
    }

    static Thread started(String name, Runnable body) {
        Thread t = new Thread(body, name);
        t.start();
        return t;
    }

    static void sleep(long ms) {
        sleepNanos(TimeUnit.MILLISECONDS.toNanos(ms));
    }

    static void sleepNanos(long nanos) {
        if (nanos <= 0) {
            return;
        }
        try {
            TimeUnit.NANOSECONDS.sleep(nanos);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
