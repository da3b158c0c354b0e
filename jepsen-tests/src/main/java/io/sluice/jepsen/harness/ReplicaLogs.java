package io.sluice.jepsen.harness;

import io.sluice.jepsen.checker.CompactedReplicaChecker;
import io.sluice.jepsen.checker.ReplicaChecker;
import io.sluice.protocol.record.RecordBatch;
import io.sluice.protocol.record.RecordCursor;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Reads the partition logs a node left on disk ({@code <data-dir>/logs/<topic>-<p>/*.log}, RecordBatch
 * v2 batches back to back) and its high-watermark checkpoint ({@code replication-offset-checkpoint}:
 * version, count, then {@code topic partition offset} lines), for the replica comparison. Read only
 * after the node stopped. Stateless.
 */
public final class ReplicaLogs {
    private static final String HIGH_WATERMARK_FILE = "replication-offset-checkpoint";

    private ReplicaLogs() {
    }

    /** Every partition of {@code topic} that node {@code node} holds under {@code dataDir}. */
    public static List<ReplicaChecker.ReplicaLog> read(Path dataDir, int node, String topic) throws IOException {
        Path logs = dataDir.resolve("logs");
        if (!Files.isDirectory(logs)) {
            return List.of();
        }
        Map<String, Long> highWatermarks = highWatermarks(logs.resolve(HIGH_WATERMARK_FILE));
        List<ReplicaChecker.ReplicaLog> result = new ArrayList<>();
        try (Stream<Path> dirs = Files.list(logs)) {
            for (Path dir : dirs.sorted().toList()) {
                String name = dir.getFileName().toString();
                if (!Files.isDirectory(dir) || !name.startsWith(topic + "-")) {
                    continue;
                }
                String partition = name.substring(topic.length() + 1);
                if (!partition.matches("\\d+")) {
                    continue;
                }
                long hw = highWatermarks.getOrDefault(topic + " " + partition, 0L);
                result.add(new ReplicaChecker.ReplicaLog(name, node, hw, batches(dir)));
            }
        }
        return result;
    }

    static Map<String, Long> highWatermarks(Path file) throws IOException {
        Map<String, Long> result = new HashMap<>();
        if (!Files.exists(file)) {
            return result;
        }
        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        for (String line : lines.subList(Math.min(2, lines.size()), lines.size())) {
            String[] parts = line.trim().split("\\s+");
            if (parts.length == 3) {
                result.put(parts[0] + " " + parts[1], Long.parseLong(parts[2]));
            }
        }
        return result;
    }

    /**
     * The records of one replica's batches, for the compacted workload's comparison: key and value read
     * as the workload's decimal integers (null for no key or a tombstone; {@code Long.MIN_VALUE} for one
     * that is not such an integer, which no replica of that workload should hold).
     */
    public static CompactedReplicaChecker.Replica records(ReplicaChecker.ReplicaLog log) {
        List<CompactedReplicaChecker.Entry> entries = new ArrayList<>();
        for (ReplicaChecker.Batch b : log.batches()) {
            RecordBatch batch = RecordBatch.wrap(ByteBuffer.wrap(b.bytes()), 0);
            if (batch.isControlBatch()) {
                continue;
            }
            RecordCursor cursor = batch.records();
            while (cursor.next()) {
                entries.add(new CompactedReplicaChecker.Entry(cursor.offset(),
                        cursor.keySize() < 0 ? null : number(cursor.key()),
                        cursor.valueSize() < 0 ? null : number(cursor.value())));
            }
        }
        return new CompactedReplicaChecker.Replica(log.partition(), log.node(), log.highWatermark(), entries);
    }

    private static Long number(ByteBuffer bytes) {
        try {
            return Long.parseLong(StandardCharsets.UTF_8.decode(bytes.duplicate()).toString());
        } catch (NumberFormatException e) {
            return Long.MIN_VALUE;
        }
    }

    /** The batches of every segment of one partition directory, in offset order; a torn tail is ignored. */
    static List<ReplicaChecker.Batch> batches(Path dir) throws IOException {
        List<ReplicaChecker.Batch> batches = new ArrayList<>();
        List<Path> segments;
        try (Stream<Path> files = Files.list(dir)) {
            segments = files.filter(f -> f.getFileName().toString().endsWith(".log")).sorted().toList();
        }
        for (Path segment : segments) {
            ByteBuffer buf = ByteBuffer.wrap(Files.readAllBytes(segment));
            while (buf.remaining() >= RecordBatch.HEADER_SIZE) {
                int start = buf.position();
                int size = buf.getInt(start + RecordBatch.LENGTH_OFFSET) + RecordBatch.LOG_OVERHEAD;
                if (size < RecordBatch.HEADER_SIZE || size > buf.remaining()) {
                    break;
                }
                long base = buf.getLong(start + RecordBatch.BASE_OFFSET_OFFSET);
                long last = base + buf.getInt(start + RecordBatch.LAST_OFFSET_DELTA_OFFSET);
                batches.add(new ReplicaChecker.Batch(base, last, Arrays.copyOfRange(buf.array(), start, start + size)));
                buf.position(start + size);
            }
        }
        return batches;
    }
}
