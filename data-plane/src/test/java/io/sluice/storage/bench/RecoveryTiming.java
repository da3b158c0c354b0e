package io.sluice.storage.bench;

import io.sluice.storage.LogConfig;
import io.sluice.storage.PartitionLog;
import io.sluice.protocol.TopicPartition;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import io.sluice.protocol.Time;
import java.util.List;
import java.util.Map;

/**
 * Times recovery of a log with a torn tail (a single-shot measurement, so a main rather than JMH):
 * writes N GiB of 16 KiB batches, cuts the last batch in half as a crash mid-write would, then
 * opens the log (a) from recovery point 0, rescanning and CRC-checking everything, and (b) with
 * 128 MiB segments and the recovery point at the start of the last segment, as after a crash with
 * a recent checkpoint. The files are in the page cache (the machine is shared, so caches are not
 * dropped): this measures CPU cost, and a cold read adds the disk's sequential read time.
 */
public final class RecoveryTiming {
    private static final TopicPartition TP = new TopicPartition("recovery", 0);

    private RecoveryTiming() {
    }

    public static void main(String[] args) throws IOException {
        long gib = args.length > 0 ? Long.parseLong(args[0]) : 1;
        Path dir = BenchFiles.newDir("recovery");
        try {
            run("1 GiB segments, recovery point 0", dir.resolve("a"), gib, Map.of(), false);
            run("128 MiB segments, recovery point at the last segment", dir.resolve("b"), gib,
                    Map.of(LogConfig.SEGMENT_BYTES, Integer.toString(128 << 20)), true);
        } finally {
            BenchFiles.deleteRecursively(dir);
        }
    }

    private static void run(String name, Path dir, long gib, Map<String, String> overrides, boolean useCheckpoint)
            throws IOException {
        LogConfig config = LogConfig.fromMap(overrides).with(Map.of(LogConfig.FLUSH_POLICY, "interval"));
        ByteBuffer batch = BenchFiles.batchOfSize(16384);
        long batches = (gib << 30) / batch.remaining();
        long lastSegmentBase;
        try (PartitionLog log = PartitionLog.open(dir, TP, config)) {
            for (long i = 0; i < batches; i++) {
                log.appendAsLeader(batch.duplicate(), 0);
            }
            List<Long> bases = log.segmentBaseOffsets();
            lastSegmentBase = bases.get(bases.size() - 1);
        }
        Path last = dir.resolve(String.format("%020d.log", lastSegmentBase));
        try (FileChannel ch = FileChannel.open(last, StandardOpenOption.WRITE)) {
            ch.truncate(Files.size(last) - batch.remaining() / 2);
        }
        long recoveryPoint = useCheckpoint ? lastSegmentBase : 0;
        long start = System.nanoTime();
        try (PartitionLog log = PartitionLog.open(dir, TP, config, Time.SYSTEM, recoveryPoint)) {
            long ms = (System.nanoTime() - start) / 1_000_000;
            System.out.printf("%s: %d MiB, %d batches, recovered to offset %d in %d ms%n", name,
                    log.size() >> 20, batches, log.logEndOffset(), ms);
        }
    }
}
