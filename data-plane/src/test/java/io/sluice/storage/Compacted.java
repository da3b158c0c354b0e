package io.sluice.storage;

import io.sluice.protocol.record.CompressionType;
import io.sluice.protocol.record.Header;
import io.sluice.protocol.record.Record;
import io.sluice.protocol.record.RecordBatch;
import io.sluice.protocol.record.RecordBatchBuilder;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Keyed batches for compaction tests, and a read-back of a log as "offset key=value" strings. */
final class Compacted {
    private Compacted() {
    }

    /** One batch of {@code key=value} pairs ({@code key=} alone is a tombstone), all at {@code timestamp}. */
    static ByteBuffer batch(CompressionType codec, long timestamp, String... pairs) {
        RecordBatchBuilder b = new RecordBatchBuilder(codec);
        for (String p : pairs) {
            String[] kv = p.split("=", 2);
            b.append(timestamp, bytes(kv[0]), kv[1].isEmpty() ? null : bytes(kv[1]));
        }
        return b.build();
    }

    static ByteBuffer withHeader(long timestamp, String key, String value, Header header) {
        return new RecordBatchBuilder(CompressionType.NONE).append(timestamp, bytes(key), bytes(value), header).build();
    }

    static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    /** Every record from the log start to the log end, following gaps, as "offset key=value". */
    static List<String> readAll(PartitionLog log) throws IOException {
        List<String> out = new ArrayList<>();
        for (RecordBatch batch : batches(log)) {
            for (Record r : batch.recordList()) {
                out.add(r.offset() + " " + string(r.key()) + "=" + (r.value() == null ? "" : string(r.value())));
            }
        }
        return out;
    }

    /** The latest value of each key (tombstones remove the key), in first-seen order. */
    static Map<String, String> latest(PartitionLog log) throws IOException {
        Map<String, String> out = new LinkedHashMap<>();
        for (String line : readAll(log)) {
            String kv = line.substring(line.indexOf(' ') + 1);
            String[] parts = kv.split("=", 2);
            if (parts[1].isEmpty()) {
                out.remove(parts[0]);
            } else {
                out.put(parts[0], parts[1]);
            }
        }
        return out;
    }

    /** Every batch from the log start to the log end, CRC-checked. */
    static List<RecordBatch> batches(PartitionLog log) throws IOException {
        List<RecordBatch> out = new ArrayList<>();
        long next = log.logStartOffset();
        while (next < log.logEndOffset()) {
            LogReadResult r = log.read(next, Integer.MAX_VALUE, Long.MAX_VALUE);
            if (r.range() == null) {
                break;
            }
            for (RecordBatch batch : RecordBatch.batchesOf(r.range().readBytes())) {
                batch.ensureValid();
                out.add(batch);
            }
            next = r.range().lastOffset() + 1;
        }
        return out;
    }

    private static String string(ByteBuffer b) {
        return StandardCharsets.UTF_8.decode(b.duplicate()).toString();
    }
}
