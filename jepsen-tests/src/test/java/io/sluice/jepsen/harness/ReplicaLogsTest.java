package io.sluice.jepsen.harness;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.sluice.jepsen.checker.ReplicaChecker;
import io.sluice.protocol.record.RecordBatch;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(value = 10, unit = TimeUnit.SECONDS)
class ReplicaLogsTest {
    @TempDir
    Path dir;

    /** A batch with a valid header layout (offsets and length) and {@code extra} bytes of records. */
    private static byte[] batch(long base, int lastDelta, int extra) {
        ByteBuffer b = ByteBuffer.allocate(RecordBatch.HEADER_SIZE + extra);
        b.putLong(RecordBatch.BASE_OFFSET_OFFSET, base);
        b.putInt(RecordBatch.LENGTH_OFFSET, RecordBatch.HEADER_SIZE + extra - RecordBatch.LOG_OVERHEAD);
        b.put(RecordBatch.MAGIC_OFFSET, RecordBatch.MAGIC);
        b.putInt(RecordBatch.LAST_OFFSET_DELTA_OFFSET, lastDelta);
        return b.array();
    }

    @Test
    void readsEveryBatchOfEverySegmentAndTheHighWatermarks() throws IOException {
        Path logs = Files.createDirectories(dir.resolve("logs"));
        Path partition = Files.createDirectories(logs.resolve("q-1"));
        Files.createDirectories(logs.resolve("other-0"));
        byte[] first = batch(0, 2, 10);
        byte[] second = batch(3, 0, 5);
        ByteArrayOutputStream segment = new ByteArrayOutputStream();
        segment.write(first);
        segment.write(second);
        segment.write(new byte[7]); // a torn tail
        Files.write(partition.resolve("00000000000000000000.log"), segment.toByteArray());
        byte[] third = batch(4, 1, 3);
        Files.write(partition.resolve("00000000000000000004.log"), third);
        Files.writeString(partition.resolve("00000000000000000000.index"), "not a log");
        Files.writeString(logs.resolve("replication-offset-checkpoint"), "0\n2\nq 1 5\nother 0 9\n");

        List<ReplicaChecker.ReplicaLog> read = ReplicaLogs.read(dir, 2, "q");
        assertEquals(1, read.size());
        ReplicaChecker.ReplicaLog log = read.get(0);
        assertEquals("q-1", log.partition());
        assertEquals(2, log.node());
        assertEquals(5, log.highWatermark());
        assertEquals(List.of(0L, 3L, 4L), log.batches().stream().map(ReplicaChecker.Batch::baseOffset).toList());
        assertEquals(List.of(2L, 3L, 5L), log.batches().stream().map(ReplicaChecker.Batch::lastOffset).toList());
        assertArrayEquals(second, log.batches().get(1).bytes());
        assertArrayEquals(Arrays.copyOf(third, third.length), log.batches().get(2).bytes());
    }

    @Test
    void aNodeWithoutLogsHasNoReplicas() throws IOException {
        assertEquals(List.of(), ReplicaLogs.read(dir, 1, "q"));
    }
}
