package io.sluice.storage.bench;

import io.sluice.storage.LogConfig;
import io.sluice.storage.LogManager;
import io.sluice.storage.LogReadResult;
import io.sluice.storage.PartitionLog;
import io.sluice.protocol.TopicPartition;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import io.sluice.protocol.Time;
import java.util.Map;
import java.util.concurrent.TimeUnit;
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

/**
 * Single-threaded append and read of 1 KiB and 16 KiB batches through {@link PartitionLog} under
 * {@code log.flush.policy=interval} (fsync by the log manager every second), next to the same
 * bytes written with {@link FileChannel#write} and sent with {@link FileChannel#transferTo}. One op
 * is one batch, so MB/s = ops/s x batch size. Files are recreated per iteration so they stay small.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class AppendReadBenchmark {
    private static final int READ_LOG_BYTES = 64 << 20;

    @Param({"1024", "16384"})
    public int batchSize;

    private Path dir;
    private LogManager manager;
    private PartitionLog log;
    private ByteBuffer batch;
    private FileChannel baseline;
    private long baselinePosition;

    private PartitionLog readLog;
    private FileChannel readBaseline;
    private FileChannel sink;
    private long readOffset;
    private long readCount;

    @Setup(Level.Iteration)
    public void setUp() throws IOException {
        dir = BenchFiles.newDir("append-read");
        LogConfig config = LogConfig.fromMap(Map.of(LogConfig.FLUSH_POLICY, "interval"));
        manager = LogManager.start(dir.resolve("data"), config, Time.SYSTEM, 3_600_000, 3_600_000);
        log = manager.getOrCreateLog(new TopicPartition("bench", 0), config);
        batch = BenchFiles.batchOfSize(batchSize);
        baseline = FileChannel.open(dir.resolve("baseline.log"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        baselinePosition = 0;

        readLog = manager.getOrCreateLog(new TopicPartition("bench-read", 0), config);
        readCount = READ_LOG_BYTES / batchSize;
        for (long i = 0; i < readCount; i++) {
            readLog.appendAsLeader(batch.duplicate(), 0);
        }
        readBaseline = readLog.read(0, 1, Long.MAX_VALUE).range().channel();
        sink = FileChannel.open(Path.of("/dev/null"), StandardOpenOption.WRITE);
        readOffset = 0;
    }

    @TearDown(Level.Iteration)
    public void tearDown() throws IOException {
        manager.close();
        baseline.close();
        sink.close();
        BenchFiles.deleteRecursively(dir);
    }

    @Benchmark
    public long appendInterval() throws IOException {
        return log.appendAsLeader(batch.duplicate(), 0).lastOffset();
    }

    @Benchmark
    public long baselineWrite() throws IOException {
        ByteBuffer src = batch.duplicate();
        while (src.hasRemaining()) {
            baselinePosition += baseline.write(src, baselinePosition);
        }
        return baselinePosition;
    }

    /** Reads one batch at a time (the worst case for per-read overhead) and sends it with zero copy. */
    @Benchmark
    public long read() throws IOException {
        LogReadResult r = readLog.read(readOffset, batchSize, Long.MAX_VALUE);
        LogReadResult.FileRange range = r.range();
        long sent = 0;
        while (sent < range.length()) {
            sent += range.channel().transferTo(range.position() + sent, range.length() - sent, sink);
        }
        readOffset = readOffset + 1 == readCount ? 0 : readOffset + 1;
        return sent;
    }

    @Benchmark
    public long baselineTransferTo() throws IOException {
        long position = readOffset * batchSize;
        long sent = 0;
        while (sent < batchSize) {
            sent += readBaseline.transferTo(position + sent, batchSize - sent, sink);
        }
        readOffset = readOffset + 1 == readCount ? 0 : readOffset + 1;
        return sent;
    }
}
