package io.sluice.replication;

import static org.awaitility.Awaitility.await;

import io.sluice.metadata.CommandResult;
import io.sluice.metadata.MetadataPublisher;
import io.sluice.metadata.image.BrokerRegistration;
import io.sluice.metadata.image.MetadataDelta;
import io.sluice.metadata.image.MetadataImage;
import io.sluice.metadata.image.PartitionRegistration;
import io.sluice.protocol.metadata.ConfigRecord;
import io.sluice.protocol.metadata.MetadataCommand;
import io.sluice.protocol.metadata.MetadataRecord;
import io.sluice.protocol.metadata.TopicRecord;
import io.sluice.config.BrokerDefaults;
import io.sluice.storage.LogConfig;
import io.sluice.storage.LogManager;
import io.sluice.protocol.MockTime;
import io.sluice.protocol.TopicPartition;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.IntStream;

/**
 * One broker's replicas without a quorum or a network: a real {@link ReplicaManager} and real logs
 * in a temporary directory, with a fake metadata quorum the test publishes images to, a manual
 * clock, a manual purgatory timer and a scripted leader ({@link FakeLeader}) for its followers.
 * Topics are written with {@code log.flush.policy=interval} unless a test says otherwise, so a
 * write counts as durable on the leader at once and the high watermark moves only with the
 * followers' fetches, which the test makes through the {@link FetchService}.
 */
final class ReplicaHarness implements AutoCloseable {
    static final String TOPIC = "t";
    static final TopicPartition TP = new TopicPartition(TOPIC, 0);
    static final String TOPIC_ID = "id-t";

    final MockTime clock = new MockTime(1_000_000);
    final ManualTimer timer = new ManualTimer();
    final FakeMetadata metadata = new FakeMetadata();
    final FakeLeader leader = new FakeLeader();
    final LogManager logs;
    final ReplicaManager replicas;
    final ProduceService produce;
    final FetchService fetch;
    private final int brokerId;
    private final Map<String, String> topicConfig;

    /** The follower fetch's back-off here (its wait is 0 ms, so a scripted leader answers at once). */
    static final int BACKOFF_MS = 10;
    /** Followers fetch with a 0 ms wait, so a scripted leader answers at once; back-off stays short. */
    static final ReplicationConfig CONFIG = new ReplicationConfig(30_000, 0, 1 << 20, BACKOFF_MS);

    /** Records the delay of every fetch and of every task of the replica state thread. */
    final RecordingScheduler fetcherScheduler = new RecordingScheduler("test-replica-fetcher");
    final RecordingScheduler stateThread = new RecordingScheduler("test-replica-state");

    ReplicaHarness(Path dir, int brokerId, Map<String, String> topicConfig) throws Exception {
        this(dir, brokerId, topicConfig, io.sluice.storage.FileAccess.DIRECT);
    }

    /** With the logs' writes and fsyncs going through {@code files}. */
    ReplicaHarness(Path dir, int brokerId, Map<String, String> topicConfig, io.sluice.storage.FileAccess files)
            throws Exception {
        this(dir, brokerId, topicConfig, files, CONFIG, 1);
    }

    /**
     * With replication timings {@code config}, registered at broker epoch {@code brokerEpoch} (none
     * when negative: the replica manager then acts on no image until the test calls
     * {@code setBrokerEpoch}).
     */
    ReplicaHarness(Path dir, int brokerId, Map<String, String> topicConfig, io.sluice.storage.FileAccess files,
                   ReplicationConfig config, long brokerEpoch) throws Exception {
        this.brokerId = brokerId;
        this.topicConfig = topicConfig;
        this.logs = LogManager.start(dir, LogConfig.defaultConfig(), clock, 3_600_000, 3_600_000, 1, files);
        BrokerDefaults defaults = BrokerDefaults.from(Map.of());
        this.replicas = new ReplicaManager(brokerId, logs, metadata, defaults, leader, config, clock, timer, stateThread,
                fetcherScheduler);
        leader.sentAfterMs = fetcherScheduler::runningDelayMs;
        this.produce = new ProduceService(replicas);
        this.fetch = new FetchService(replicas);
        replicas.start();
        if (brokerEpoch >= 0) {
            replicas.setBrokerEpoch(brokerEpoch);
        }
    }

    ReplicaHarness(Path dir, int brokerId) throws Exception {
        this(dir, brokerId, Map.of("log.flush.policy", "interval"));
    }

    /** Publishes an image with brokers 1-3 and partition 0 of {@link #TOPIC} as given, and waits until it is applied. */
    Partition publish(List<Integer> isr, int leaderId, int leaderEpoch, int partitionEpoch) {
        PartitionRegistration reg = new PartitionRegistration(List.of(1, 2, 3), isr, leaderId, leaderEpoch, partitionEpoch);
        metadata.publish(image(metadata.image().index() + 1, topicConfig, reg));
        await().atMost(Duration.ofSeconds(10)).until(() -> replicas.partition(TP)
                .map(p -> p.leaderEpoch() == leaderEpoch && p.isr().equals(isr)
                        && p.isLeader() == (leaderId == brokerId)).orElse(false));
        return replicas.partition(TP).orElseThrow();
    }

    /**
     * Publishes an image where this broker alone leads partitions 0 to {@code count - 1} of {@link #TOPIC}
     * (epoch 1, ISR itself only, so its own appends commit at once), and waits until it is applied.
     */
    List<Partition> publishSoleLeaderOf(int count) {
        PartitionRegistration reg = new PartitionRegistration(List.of(brokerId), List.of(brokerId), brokerId, 1, 1);
        metadata.publish(image(metadata.image().index() + 1, TOPIC_ID, topicConfig, Collections.nCopies(count, reg)));
        List<TopicPartition> tps = IntStream.range(0, count).mapToObj(i -> new TopicPartition(TOPIC, i))
                .toList();
        await().atMost(Duration.ofSeconds(10)).until(() -> tps.stream()
                .allMatch(tp -> replicas.partition(tp).map(Partition::isLeader).orElse(false)));
        return tps.stream().map(tp -> replicas.partition(tp).orElseThrow()).toList();
    }

    /** An image at {@code index} with brokers 1-3 and {@link #TOPIC} of one partition, {@code reg}. */
    static MetadataImage image(long index, Map<String, String> topicConfig, PartitionRegistration reg) {
        return image(index, TOPIC_ID, topicConfig, reg);
    }

    /**
     * An image at {@code index} with brokers 1-3 and, unless {@code reg} is null, {@link #TOPIC} under
     * {@code topicId} with one partition, {@code reg}.
     */
    static MetadataImage image(long index, String topicId, Map<String, String> topicConfig, PartitionRegistration reg) {
        return image(index, topicId, topicConfig, reg == null ? List.of() : List.of(reg));
    }

    /**
     * An image at {@code index} with brokers 1-3 and, unless {@code regs} is empty, {@link #TOPIC} under
     * {@code topicId} with partitions 0, 1, ... registered as {@code regs}.
     */
    static MetadataImage image(long index, String topicId, Map<String, String> topicConfig,
                               List<PartitionRegistration> regs) {
        return image(index, topicId, topicConfig, regs, List.of(1, 2, 3));
    }

    /** As above, with only {@code brokers} registered (a broker missing has no address). */
    static MetadataImage image(long index, String topicId, Map<String, String> topicConfig,
                               List<PartitionRegistration> regs, List<Integer> brokers) {
        MetadataDelta delta = new MetadataDelta(MetadataImage.EMPTY);
        for (int id : brokers) {
            delta.replay(new BrokerRegistration(id, id, "127.0.0.1", 9000 + id, "", 1, false, false).toRecord());
        }
        if (!regs.isEmpty()) {
            delta.replay(MetadataRecord.newBuilder().setTopic(TopicRecord.newBuilder().setName(TOPIC).setTopicId(topicId))
                    .build());
            topicConfig.forEach((k, v) -> delta.replay(MetadataRecord.newBuilder().setConfig(ConfigRecord.newBuilder()
                    .setTopic(TOPIC).setKey(k).setValue(v)).build()));
            for (int partition = 0; partition < regs.size(); partition++) {
                delta.replay(regs.get(partition).toRecord(topicId, partition));
            }
        }
        return delta.apply(index, 1);
    }

    @Override
    public void close() throws Exception {
        replicas.close();
        logs.close();
    }

    /**
     * The quorum as a list of images the test publishes; submitted commands are kept, never applied,
     * and answered only when the test completes their {@link #answers}.
     */
    static final class FakeMetadata implements ReplicaMetadata {
        private volatile MetadataImage image = MetadataImage.EMPTY;
        private final List<MetadataPublisher> publishers = new CopyOnWriteArrayList<>();
        final List<MetadataCommand> submitted = new CopyOnWriteArrayList<>();
        /** The quorum's answer to {@code submitted.get(i)}, for the test to complete. */
        final List<CompletableFuture<CommandResult>> answers = new CopyOnWriteArrayList<>();

        void publish(MetadataImage next) {
            image = next;
            publishers.forEach(p -> p.onMetadataUpdate(null, next));
        }

        @Override
        public MetadataImage image() {
            return image;
        }

        @Override
        public void subscribe(MetadataPublisher publisher) {
            publishers.add(publisher);
            publisher.onMetadataUpdate(null, image);
        }

        @Override
        public CompletableFuture<CommandResult> submit(MetadataCommand command) {
            CompletableFuture<CommandResult> answer = new CompletableFuture<>();
            answers.add(answer);
            submitted.add(command);
            return answer;
        }
    }
}
