package io.sluice.storage.bench;

import io.sluice.storage.LogAppendResult;
import io.sluice.storage.LogConfig;
import io.sluice.storage.LogManager;
import io.sluice.storage.PartitionLog;
import io.sluice.protocol.TopicPartition;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import io.sluice.protocol.Time;
import java.util.ArrayDeque;
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
 * Eight threads appending under {@code log.flush.policy=always}. In the {@code always*} variants an
 * op completes only when the append is fsynced (the thread waits for the durability notification, as
 * one produce request with acks would), with each thread on its own partition or all eight on one.
 * In {@code alwaysPipelined} a thread keeps up to {@link #pipeline} appends waiting for their fsync
 * and waits only for the oldest, as the broker's event loops do with many produce requests in
 * flight. Baselines with the same threads and bytes: plain {@link FileChannel#write} (page cache
 * only), write + {@link FileChannel#force} per op (an fsync per append, no group commit), and write
 * + force every {@link #pipeline} ops (what the device sustains when fsyncs are shared).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Threads(8)
public class GroupCommitBenchmark {
    @Param({"1024", "16384"})
    public int batchSize;

    /** Appends a pipelining thread leaves waiting for their fsync (and writes per force in the device baseline). */
    @Param({"32"})
    public int pipeline;

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
        /** End offsets of this thread's appends not yet known durable, oldest first (pipelined variant). */
        final ArrayDeque<Long> pending = new ArrayDeque<>();
        /** Writes since this thread's last force (device baseline). */
        int unforced;

        @Setup(Level.Trial)
        public void init(GroupCommitBenchmark b) {
            index = b.nextThread.getAndIncrement() % 8;
            batch = BenchFiles.batchOfSize(b.batchSize);
        }

        /** Every iteration starts on fresh logs and files. */
        @Setup(Level.Iteration)
        public void reset() {
            pending.clear();
            unforced = 0;
        }
    }

    @Setup(Level.Iteration)
    public void setUp() throws IOException {
        dir = BenchFiles.newDir("group-commit");
        LogConfig config = LogConfig.defaultConfig();
        manager = LogManager.start(dir.resolve("data"), config, Time.SYSTEM, 3_600_000, 3_600_000);
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
    public long alwaysPipelined(ThreadSlot slot) throws Exception {
        PartitionLog log = own[slot.index];
        LogAppendResult result = log.appendAsLeader(slot.batch.duplicate(), 0);
        if (!result.succeeded()) {
            throw new IllegalStateException(result.error() + ": " + result.errorMessage());
        }
        slot.pending.addLast(result.lastOffset() + 1);
        if (slot.pending.size() > pipeline) {
            long oldest = slot.pending.removeFirst();
            awaitDurable(log, oldest);
            while (!slot.pending.isEmpty() && log.durableEndOffset() >= slot.pending.peekFirst()) {
                slot.pending.removeFirst();
            }
        }
        return result.lastOffset();
    }

    @Benchmark
    public long baselineWriteForcePipelined(ThreadSlot slot) throws IOException {
        boolean force = ++slot.unforced >= pipeline;
        if (force) {
            slot.unforced = 0;
        }
        return write(slot, force);
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
        awaitDurable(log, end);
        return end;
    }

    private void awaitDurable(PartitionLog log, long end) throws InterruptedException {
        Object monitor = monitors.get(log.topicPartition());
        synchronized (monitor) {
            while (log.durableEndOffset() < end) {
                monitor.wait(100);
            }
        }
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
