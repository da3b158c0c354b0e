package io.sluice.storage.bench;

import io.sluice.storage.LogAppendResult;
import io.sluice.storage.LogConfig;
import io.sluice.storage.LogManager;
import io.sluice.storage.PartitionLog;
import io.sluice.storage.TopicPartition;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;

/**
 * Eight threads appending under {@code log.flush.policy=always}: an op completes only when the
 * append is fsynced (the thread waits for the durability notification, as a produce request with
 * acks would). Variants: each thread its own partition, or all eight on one partition. Baselines
 * with the same threads and bytes: plain {@link FileChannel#write} (page cache only) and write +
 * {@link FileChannel#force} per op (an fsync per append, no group commit).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Threads(8)
public class GroupCommitBenchmark {
    @Param({"1024", "16384"})
    public int batchSize;

    private Path dir;
    private LogManager manager;
    private PartitionLog[] own;
    private PartitionLog shared;
    private FileChannel[] baselines;
    private long[] baselinePositions;
    private final Map<TopicPartition, Object> monitors = new ConcurrentHashMap<>();
    private final AtomicInteger nextThread = new AtomicInteger();

    /**
     * Per thread: which partition and baseline file it uses, and its own copy of the batch (an
     * append patches the base offset in place, so threads must not share one buffer).
     */
    @State(Scope.Thread)
    public static class ThreadSlot {
        int index;
        ByteBuffer batch;

        @Setup(Level.Trial)
        public void init(GroupCommitBenchmark b) {
            index = b.nextThread.getAndIncrement() % 8;
            batch = BenchFiles.batchOfSize(b.batchSize);
        }
    }

    @Setup(Level.Iteration)
    public void setUp() throws IOException {
        dir = BenchFiles.newDir("group-commit");
        LogConfig config = LogConfig.defaultConfig();
        manager = LogManager.start(dir.resolve("data"), config, Clock.systemUTC(), 3_600_000, 3_600_000);
        manager.addDurabilityListener((tp, offset) -> {
            Object monitor = monitors.get(tp);
            synchronized (monitor) {
                monitor.notifyAll();
            }
        });
        own = new PartitionLog[8];
        baselines = new FileChannel[8];
        baselinePositions = new long[8];
        for (int i = 0; i < 8; i++) {
            own[i] = create(new TopicPartition("own", i), config);
            baselines[i] = FileChannel.open(dir.resolve("baseline-" + i), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        }
        shared = create(new TopicPartition("shared", 0), config);
    }

    private PartitionLog create(TopicPartition tp, LogConfig config) throws IOException {
        monitors.put(tp, new Object());
        return manager.getOrCreateLog(tp, config);
    }

    @TearDown(Level.Iteration)
    public void tearDown() throws IOException {
        manager.close();
        for (FileChannel ch : baselines) {
            ch.close();
        }
        BenchFiles.deleteRecursively(dir);
    }

    @Benchmark
    public long alwaysOwnPartition(ThreadSlot slot) throws Exception {
        return appendDurably(own[slot.index], slot.batch);
    }

    @Benchmark
    public long alwaysSharedPartition(ThreadSlot slot) throws Exception {
        return appendDurably(shared, slot.batch);
    }

    @Benchmark
    public long baselineWrite(ThreadSlot slot) throws IOException {
        return write(slot, false);
    }

    @Benchmark
    public long baselineWriteAndForce(ThreadSlot slot) throws IOException {
        return write(slot, true);
    }

    private long appendDurably(PartitionLog log, ByteBuffer batch) throws Exception {
        LogAppendResult result = log.appendAsLeader(batch.duplicate(), 0);
        if (!result.succeeded()) {
            throw new IllegalStateException(result.error() + ": " + result.errorMessage());
        }
        long end = result.lastOffset() + 1;
        Object monitor = monitors.get(log.topicPartition());
        synchronized (monitor) {
            while (log.durableEndOffset() < end) {
                monitor.wait(100);
            }
        }
        return end;
    }

    private long write(ThreadSlot slot, boolean force) throws IOException {
        int i = slot.index;
        ByteBuffer src = slot.batch.duplicate();
        FileChannel ch = baselines[i];
        while (src.hasRemaining()) {
            baselinePositions[i] += ch.write(src, baselinePositions[i]);
        }
        if (force) {
            ch.force(false);
        }
        return baselinePositions[i];
    }
}
