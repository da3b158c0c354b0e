package io.sluice.jepsen.workload;

import io.sluice.client.admin.Admin;
import io.sluice.client.admin.AlterConfigOp;
import io.sluice.client.admin.ConfigEntry;
import io.sluice.client.admin.ConfigResource;
import io.sluice.client.admin.NewTopic;
import io.sluice.jepsen.checker.CheckResult;
import io.sluice.jepsen.checker.MetadataChecker;
import io.sluice.jepsen.history.Op;
import io.sluice.protocol.ErrorCode;
import io.sluice.protocol.SluiceException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The metadata workload: each client creates its own topics one after the other, alters each one's
 * {@code retention.ms} a few times (to ever larger, unique values) and deletes about half of them, one
 * operation at a time; after healing, a final {@code describe} lists every topic of the workload with
 * its {@code retention.ms} override, and {@link MetadataChecker} checks that every acknowledged change
 * is visible. An error or a timeout is an info (the change may have been applied: the client retries
 * internally), after which the client goes on with a new topic as a new process. Owns its threads;
 * the test calls the other methods from one thread.
 */
public final class MetadataWorkload implements Workload {
    static final String PREFIX = "jepsen-meta-";
    private static final String ANCHOR = PREFIX + "anchor";
    private static final long BASE_RETENTION_MS = 3_600_000L;

    private final List<Thread> threads = new ArrayList<>();
    private final AtomicLong configValues = new AtomicLong();

    @Override
    public String topic() {
        return ANCHOR; // a replicated topic whose partition leader the nemesis can target
    }

    @Override
    public void setup(WorkloadContext context) throws Exception {
        int rf = Math.min(3, context.cluster().ids().size());
        try (Admin admin = context.cluster().admin(context.cluster().bootstrap())) {
            admin.createTopics(List.of(new NewTopic(ANCHOR, 1, rf))).get(30, TimeUnit.SECONDS);
        }
    }

    @Override
    public void start(WorkloadContext context, long deadlineNanos) {
        for (int i = 0; i < context.clients(); i++) {
            int salt = i;
            threads.add(QueueWorkload.started("metadata-" + i, () -> loop(context, deadlineNanos, salt)));
        }
    }

    private void loop(WorkloadContext context, long deadlineNanos, int salt) {
        Random random = context.random(salt);
        long pauseNanos = (long) (1e9 / Math.max(0.1, Math.min(context.rate(), 20) / context.clients()));
        int rf = Math.min(3, context.cluster().ids().size());
        try (Admin admin = context.cluster().admin(context.cluster().bootstrap())) {
            for (int n = 0; !Thread.currentThread().isInterrupted() && System.nanoTime() < deadlineNanos; n++) {
                int process = context.nextProcess();
                String topic = PREFIX + process + "-" + n;
                List<Step> steps = new ArrayList<>();
                steps.add(new Step("create", null));
                for (int a = random.nextInt(4); a > 0; a--) {
                    steps.add(new Step("alter", BASE_RETENTION_MS + configValues.incrementAndGet()));
                }
                if (random.nextBoolean()) {
                    steps.add(new Step("delete", null));
                }
                for (Step step : steps) {
                    QueueWorkload.sleepNanos(pauseNanos);
                    if (Thread.currentThread().isInterrupted() || !perform(context, admin, process, topic, step, rf)) {
                        break;
                    }
                }
            }
        }
    }

    private record Step(String f, Long value) {
    }

    /** Performs and records one step; false when its outcome was not ok. */
    private static boolean perform(WorkloadContext context, Admin admin, int process, String topic, Step step, int rf) {
        Op invoke = context.history().invoke(step.f(), process, topic, step.value(), null);
        try {
            Future<Void> future = switch (step.f()) {
                case "create" -> admin.createTopics(List.of(new NewTopic(topic, 1, rf)));
                case "alter" -> admin.incrementalAlterConfigs(Map.of(ConfigResource.topic(topic),
                        List.of(AlterConfigOp.set("retention.ms", Long.toString(step.value())))));
                default -> admin.deleteTopics(List.of(topic));
            };
            future.get(10, TimeUnit.SECONDS);
            context.history().complete(invoke, Op.Type.OK, step.value(), null, null);
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            context.history().complete(invoke, Op.Type.INFO, step.value(), null, "interrupted");
            return false;
        } catch (Exception e) {
            Op.Type type = refusedUpFront(e) ? Op.Type.FAIL : Op.Type.INFO;
            context.history().complete(invoke, type, step.value(), null, QueueWorkload.describe(e));
            return false;
        }
    }

    /**
     * Whether the controller refused the change by validating it against the current brokers, which it
     * does before anything is written: too few unfenced brokers for the replication factor. Other errors
     * (timeouts, a lost connection, "already exists" after an internal retry) leave the outcome unknown.
     */
    private static boolean refusedUpFront(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SluiceException s) {
                return s.code() == ErrorCode.INVALID_REPLICATION_FACTOR;
            }
        }
        return false;
    }

    @Override
    public void stop() {
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
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            int process = context.nextProcess();
            Op invoke = context.history().invoke("describe", process, null, null, null);
            try (Admin admin = context.cluster().admin(context.cluster().bootstrap())) {
                context.history().complete(invoke, Op.Type.OK, describeAll(admin), null, null);
                return;
            } catch (Exception e) {
                context.history().complete(invoke, Op.Type.FAIL, null, null, QueueWorkload.describe(e));
                QueueWorkload.sleep(1000);
            }
        }
    }

    /** Every workload topic with its retention.ms override, -1 when it has none. */
    private static Map<String, Object> describeAll(Admin admin) throws Exception {
        List<String> topics = admin.listTopics().get(10, TimeUnit.SECONDS).stream()
                .filter(t -> t.startsWith(PREFIX) && !t.equals(ANCHOR)).sorted().toList();
        Map<String, Object> result = new TreeMap<>();
        if (topics.isEmpty()) {
            return result;
        }
        var configs = admin.describeConfigs(topics.stream().map(ConfigResource::topic).toList()).get(30, TimeUnit.SECONDS);
        configs.forEach((resource, entries) -> result.put(resource.name(), entries.stream()
                .filter(e -> e.name().equals("retention.ms") && e.source() == ConfigEntry.Source.DYNAMIC_TOPIC_CONFIG)
                .map(e -> (Object) Long.parseLong(e.value())).findFirst().orElse(-1L)));
        return result;
    }

    @Override
    public CheckResult check(List<Op> history) {
        return new MetadataChecker().check(history);
    }
}
