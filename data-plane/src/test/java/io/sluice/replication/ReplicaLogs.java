package io.sluice.replication;

import io.sluice.protocol.record.RecordBatch;
import io.sluice.storage.LogReadResult;
import io.sluice.storage.PartitionLog;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** Reads a replica's log from its files, for the invariants of {@link ReplicaSimulation}. Stateless. */
final class ReplicaLogs {
    private ReplicaLogs() {
    }

    /** The log's bytes of every batch below {@code end}; fails if the replica lacks one of them. */
    static byte[] bytesBelow(PartitionLog log, long end, int id) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        long offset = log.logStartOffset();
        while (offset < end) {
            LogReadResult r = log.read(offset, 1 << 20, end);
            if (r.range() == null) {
                throw new AssertionError("ISR member " + id + " lacks offset " + offset + " below the high watermark "
                        + end + " (its log ends at " + log.logEndOffset() + ")");
            }
            ByteBuffer bytes = r.range().readBytes();
            out.write(bytes.array(), 0, bytes.limit());
            offset = r.range().lastOffset() + 1;
        }
        return out.toByteArray();
    }

    /** The values of the batch starting at {@code baseOffset}; empty if no batch starts there. */
    static List<String> valuesAt(PartitionLog log, long baseOffset) throws Exception {
        List<String> values = new ArrayList<>();
        if (baseOffset < log.logStartOffset() || baseOffset >= log.logEndOffset()) {
            return values;
        }
        LogReadResult r = log.read(baseOffset, 1, Long.MAX_VALUE);
        if (r.range() == null) {
            return values;
        }
        RecordBatch batch = RecordBatch.batchesOf(r.range().readBytes()).get(0);
        if (batch.baseOffset() != baseOffset) {
            return values;
        }
        var cursor = batch.records();
        while (cursor.next()) {
            values.add(StandardCharsets.UTF_8.decode(cursor.value()).toString());
        }
        return values;
    }
}
