package io.sluice.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sluice.protocol.ErrorCode;
import io.sluice.protocol.TopicPartition;
import io.sluice.protocol.record.RecordBatch;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Readers running while a writer appends and rolls see whole, valid batches, never past the end. */
@Timeout(60)
class ConcurrentReadTest {
    @TempDir
    Path tmp;

    @Test
    void readsDuringAppendsSeeWholeBatchesOnly() throws Exception {
        TopicPartition tp = new TopicPartition("c", 0);
        LogConfig config = LogConfig.fromMap(Map.of(LogConfig.SEGMENT_BYTES, "20000", LogConfig.INDEX_INTERVAL_BYTES, "300"));
        try (PartitionLog log = PartitionLog.open(tmp.resolve("c-0"), tp, config)) {
            AtomicBoolean done = new AtomicBoolean();
            CompletableFuture<Long> reader = CompletableFuture.supplyAsync(() -> {
                long reads = 0;
                long next = 0;
                try {
                    while (!done.get() || next < log.logEndOffset()) {
                        LogReadResult r = log.read(next, 700, Long.MAX_VALUE);
                        assertEquals(ErrorCode.NONE, r.error(), r.errorMessage());
                        if (r.range() == null) {
                            continue;
                        }
                        for (RecordBatch b : RecordBatch.batchesOf(r.range().readBytes())) {
                            b.ensureValid();
                            assertEquals(next, b.baseOffset());
                            assertTrue(b.lastOffset() < log.logEndOffset(), "read past the published end");
                            next = b.nextOffset();
                        }
                        reads++;
                    }
                } catch (Exception e) {
                    throw new AssertionError("read at " + next + " failed", e);
                }
                return reads;
            });
            for (int i = 0; i < 3000; i++) {
                log.appendAsLeader(Batches.values(i, "v" + i, "w" + i), 0);
            }
            done.set(true);
            assertTrue(reader.get() > 0);
            assertTrue(log.numberOfSegments() > 5);
        }
    }
}
