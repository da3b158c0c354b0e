package io.sluice.jepsen.workload;

import io.sluice.jepsen.checker.CheckResult;
import io.sluice.jepsen.checker.CommitChecker;
import io.sluice.jepsen.checker.OwnershipChecker;
import io.sluice.jepsen.checker.QueueChecker;
import io.sluice.jepsen.history.Op;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;

/**
 * The consumer-group offsets workload: writers fill a topic as in the queue workload, and {@code
 * clients} consumer groups of {@link #MEMBERS_PER_GROUP} members each read all of it ({@link
 * GroupConsumer}: subscribe, poll, commit after each poll, leave and rejoin every few seconds), while
 * a {@link CommittedReader} records every group's committed offsets twice a second. After healing,
 * each group's committed offsets are read once more and the topic is read back as in the queue
 * workload. {@link CommitChecker} checks that committed offsets never go back and that a new owner
 * starts at the committed offset; {@link QueueChecker} checks the writes and every member's reads. Not
 * thread-safe: the test calls it from one thread; it owns its client threads.
 */
public final class OffsetsWorkload implements Workload {
    static final String TOPIC = "jepsen-offsets";
    /** A few members, so that partitions move between members whenever one leaves or joins. */
    static final int MEMBERS_PER_GROUP = 3;

    private final List<Thread> threads = new ArrayList<>();
    private final QueueClient client;

    /** The workload on one client library for writers, members and final reads (committed offsets are read with Sluice's admin). */
    public OffsetsWorkload(QueueClient client) {
        this.client = client;
    }

    /** The ids of {@code count} groups. */
    static List<String> groups(int count) {
        return IntStream.range(0, count).mapToObj(g -> TOPIC + "-group-" + g).toList();
    }

    @Override
    public String topic() {
        return TOPIC;
    }

    @Override
    public void setup(WorkloadContext context) throws Exception {
        QueueWorkload.createTopic(context, TOPIC);
    }

    @Override
    public void start(WorkloadContext context, long deadlineNanos) {
        threads.addAll(QueueWorkload.startWriters(context, client, TOPIC, deadlineNanos));
        List<String> groups = groups(context.clients());
        for (int g = 0; g < groups.size(); g++) {
            for (int m = 0; m < MEMBERS_PER_GROUP; m++) {
                int salt = 1000 + g * MEMBERS_PER_GROUP + m;
                threads.add(QueueWorkload.started("member-" + g + "-" + m,
                        new GroupConsumer(context, client, TOPIC, groups.get(g), deadlineNanos, salt)));
            }
        }
        threads.add(QueueWorkload.started("committed-reader", new CommittedReader(context, TOPIC, groups, deadlineNanos)));
    }

    @Override
    public void stop() {
        QueueWorkload.stopAll(threads);
    }

    @Override
    public void finalReads(WorkloadContext context, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        CommittedReader.finalReads(context, TOPIC, groups(context.clients()), deadline);
        QueueWorkload.readAll(context, client, TOPIC, deadline);
    }

    @Override
    public CheckResult check(List<Op> history) {
        return CheckResult.merge(List.of(new QueueChecker().check(history), new CommitChecker().check(history),
                new OwnershipChecker().check(history)));
    }
}
