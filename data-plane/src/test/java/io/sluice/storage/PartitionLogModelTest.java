package io.sluice.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sluice.protocol.ErrorCode;
import io.sluice.protocol.TopicPartition;
import io.sluice.protocol.record.CompressionType;
import io.sluice.protocol.record.RecordBatchBuilder;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import io.sluice.protocol.Time;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeSet;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Seeded random sequences of append, read, truncate, retention, flush and reopen, checked against
 * a list of values (the model) after every step. A failing seed reproduces exactly.
 */
@Timeout(120)
class PartitionLogModelTest {
    private static final TopicPartition TP = new TopicPartition("model", 0);
    private static final LogConfig CONFIG = LogConfig.fromMap(Map.of(
            LogConfig.SEGMENT_BYTES, "1500", LogConfig.INDEX_INTERVAL_BYTES, "150", LogConfig.RETENTION_MS, "-1"));

    @TempDir
    Path tmp;

    private final List<String> model = new ArrayList<>(); // value at offset, null below log start
    private final TreeSet<Long> batchStarts = new TreeSet<>();
    private long logStart;
    private PartitionLog log;

    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3, 42, 20251125})
    void randomOperationsMatchTheModel(long seed) throws IOException {
        Random random = new Random(seed);
        log = open();
        List<String> history = new ArrayList<>();
        try {
            for (int step = 0; step < 400; step++) {
                int op = random.nextInt(100);
                String what;
                if (op < 55) {
                    what = append(random);
                } else if (op < 75) {
                    what = read(random);
                } else if (op < 85) {
                    what = truncate(random);
                } else if (op < 90) {
                    what = retention(random);
                } else if (op < 95) {
                    log.flush();
                    what = "flush";
                } else {
                    log.close();
                    log = open();
                    what = "reopen";
                }
                history.add(what);
                checkInvariants("seed " + seed + " after " + history);
            }
        } finally {
            log.close();
        }
    }

    private PartitionLog open() throws IOException {
        return PartitionLog.open(tmp.resolve(TP.dirName()), TP, CONFIG, Time.SYSTEM, 0, null, null);
    }

    private String append(Random random) throws IOException {
        int records = 1 + random.nextInt(4);
        CompressionType type = CompressionType.values()[random.nextInt(CompressionType.values().length)];
        RecordBatchBuilder b = new RecordBatchBuilder(type);
        List<String> values = new ArrayList<>();
        for (int i = 0; i < records; i++) {
            String v = Long.toString(random.nextLong(), 36).repeat(1 + random.nextInt(8));
            values.add(v);
            b.append(1000 + model.size(), null, v.getBytes(StandardCharsets.UTF_8));
        }
        LogAppendResult r = log.appendAsLeader(b.build(), 0);
        assertEquals(ErrorCode.NONE, r.error(), r.errorMessage());
        assertEquals(model.size(), r.firstOffset());
        batchStarts.add((long) model.size());
        model.addAll(values);
        return "append " + records;
    }

    private String read(Random random) throws IOException {
        long offset = logStart + (long) (random.nextDouble() * (model.size() - logStart + 1));
        int maxBytes = 1 + random.nextInt(600);
        LogReadResult r = log.read(offset, maxBytes, Long.MAX_VALUE);
        assertEquals(ErrorCode.NONE, r.error(), r.errorMessage());
        if (offset == model.size()) {
            assertTrue(r.isEmpty());
            return "read at end";
        }
        List<String> got = Batches.read(r);
        long first = batchStarts.floor(offset);
        assertEquals(first, r.range().firstOffset());
        for (String entry : got) {
            int colon = entry.indexOf(':');
            int at = Integer.parseInt(entry.substring(0, colon));
            assertEquals(model.get(at), entry.substring(colon + 1), "value at " + at);
        }
        assertTrue(got.size() >= 1);
        assertEquals(ErrorCode.OFFSET_OUT_OF_RANGE, log.read(model.size() + 1, 10, Long.MAX_VALUE).error());
        return "read " + offset;
    }

    private String truncate(Random random) throws IOException {
        if (model.size() - logStart < 2) {
            return "truncate (nothing to keep)";
        }
        long offset = logStart + 1 + (long) (random.nextDouble() * (model.size() - logStart - 1));
        log.truncateTo(offset);
        long newEnd = batchStarts.floor(offset) == offset ? offset : batchStarts.floor(offset);
        batchStarts.tailSet(newEnd, true).clear();
        model.subList((int) newEnd, model.size()).clear();
        return "truncate " + offset;
    }

    private String retention(Random random) throws IOException {
        log.updateHighWatermark(log.logEndOffset());
        log.updateConfig(CONFIG.with(Map.of(LogConfig.RETENTION_BYTES, Integer.toString(random.nextInt(6000)))));
        log.deleteOldSegments(System.currentTimeMillis());
        long newStart = log.logStartOffset();
        assertTrue(newStart >= logStart);
        for (long o = logStart; o < newStart; o++) {
            model.set((int) o, null);
        }
        batchStarts.headSet(newStart, false).clear();
        logStart = newStart;
        return "retention to " + newStart;
    }

    private void checkInvariants(String context) throws IOException {
        assertEquals(model.size(), log.logEndOffset(), context);
        assertEquals(logStart, log.logStartOffset(), context);
        assertTrue(log.durableEndOffset() <= log.logEndOffset(), context);
        assertTrue(log.highWatermark() >= logStart && log.highWatermark() <= log.logEndOffset(), context);
        List<String> expected = new ArrayList<>();
        for (int i = (int) logStart; i < model.size(); i++) {
            expected.add(i + ":" + model.get(i));
        }
        assertEquals(expected, Batches.readAll(log, logStart), context);
    }
}
