package io.sluice.storage;

import io.sluice.protocol.TopicPartition;
import io.sluice.protocol.MockTime;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sluice.protocol.record.CompressionType;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Power cuts during a cleaning pass, at every write, fsync, rename, deletion and directory fsync it
 * makes in turn (write the cleaned file, fsync it, rename to {@code .swap}, fsync the directory,
 * delete the old indexes, fsync, rename over the old segment, fsync), on a {@link SimulatedDisk}:
 * after the restart every segment holds either its content before cleaning or its cleaned content,
 * never nothing and never a mix, the latest value of every key is readable, and no {@code .cleaned}
 * or {@code .swap} file is left. Run twice: with directory entries durable at once (the
 * {@link SimulatedDisk}'s friendly default), and with every entry change the pass made since its
 * directory's last fsync undone (creations, renames, deletions, newest first), which is what a
 * missing or misplaced directory fsync would cost.
 */
@Timeout(120)
class CleanerPowerLossTest {
    private static final TopicPartition TP = new TopicPartition("kv", 0);
    private static final LogConfig CONFIG = LogConfig.fromMap(Map.of(LogConfig.CLEANUP_POLICY, "compact",
            LogConfig.SEGMENT_MS, "1000"));

    @TempDir
    Path tmp;

    @ParameterizedTest(name = "directory entries not fsynced lost: {0}")
    @ValueSource(booleans = {false, true})
    void aCrashAtAnyStepLeavesEachSegmentOldOrNew(boolean loseUnsyncedEntries) throws IOException {
        Map<Long, List<String>> before = null;
        Map<Long, List<String>> after = null;
        int crashes = 0;
        for (int cutAt = 1; ; cutAt++) {
            Path dir = tmp.resolve("run" + cutAt);
            SimulatedDisk disk = new SimulatedDisk();
            CuttingDisk cutting = new CuttingDisk(disk, dir);
            MockTime clock = new MockTime(1_000_000);
            PartitionLog log = PartitionLog.open(dir, TP, CONFIG, clock, 0, null, null, cutting);
            fill(log, clock);
            long recoveryPoint = log.recoveryPoint();
            if (before == null) {
                before = bySegment(log);
            }
            cutting.cutAfter(cutAt);
            boolean finished;
            try {
                new CompactionPass(log, new OffsetMap(1 << 20), new Throttler(Double.MAX_VALUE)).run(0, clock.milliseconds());
                finished = !cutting.cut;
            } catch (IOException e) {
                finished = false;
            }
            if (finished) {
                after = bySegment(log);
                log.close();
                break;
            }
            crashes++;
            log.abandon();
            disk.powerOn(SimulatedDisk.Loss.UNSYNCED_DROPPED, new Random(cutAt));
            if (loseUnsyncedEntries) {
                cutting.undoUnsyncedEntries();
            }
            try (PartitionLog reopened = PartitionLog.open(dir, TP, CONFIG, clock, recoveryPoint, null, null,
                    new SimulatedDisk())) {
                Map<Long, List<String>> got = bySegment(reopened);
                assertEquals(before.keySet(), got.keySet(), "cut at step " + cutAt);
                got.forEach((base, records) -> outcomes.computeIfAbsent(base, k -> new ArrayList<>()).add(records.toString()));
                assertEquals(Compacted.latest(reopened), Map.of("k1", "c", "k2", "d", "k3", "e", "k4", "f", "k5", "g", "k6", "h"));
                try (Stream<Path> files = Files.list(dir)) {
                    List<String> leftovers = files.map(p -> p.getFileName().toString())
                            .filter(n -> n.endsWith(".cleaned") || n.endsWith(".swap")).toList();
                    assertEquals(List.of(), leftovers, "cut at step " + cutAt);
                }
            }
        }
        assertTrue(crashes >= 8, "the pass has at least eight cut points, got " + crashes);
        for (Map.Entry<Long, List<String>> e : outcomes.entrySet()) {
            List<String> old = before.get(e.getKey());
            List<String> cleaned = after.get(e.getKey());
            for (String seen : e.getValue()) {
                assertTrue(seen.equals(old.toString()) || seen.equals(cleaned.toString()),
                        "segment " + e.getKey() + " after a cut holds " + seen + ", neither " + old + " nor " + cleaned);
            }
        }
        String firstCleaned = after.get(0L).toString();
        assertTrue(outcomes.get(0L).contains(firstCleaned) && outcomes.get(0L).contains(before.get(0L).toString()),
                "cuts fall both before and after the first swap");
    }

    private final Map<Long, List<String>> outcomes = new TreeMap<>();

    /** Three closed segments with overwritten keys and a tombstone, then an active one. */
    private static void fill(PartitionLog log, MockTime clock) throws IOException {
        String[][] segments = {{"k1=a", "k5=g", "k2=b", "k3=x"}, {"k1=b", "k3=", "k6=h", "k2=c"},
            {"k1=c", "k2=d", "k3=e"}, {"k4=f"}};
        for (String[] pairs : segments) {
            for (String p : pairs) {
                log.appendAsLeader(Compacted.batch(CompressionType.NONE, clock.milliseconds(), p), 0);
            }
            clock.sleep(1000);
        }
        log.flush();
        log.updateHighWatermark(log.logEndOffset());
    }

    /** The records of each segment, by base offset. */
    private static Map<Long, List<String>> bySegment(PartitionLog log) throws IOException {
        Map<Long, List<String>> out = new TreeMap<>();
        List<Long> bases = log.segmentBaseOffsets();
        for (long b : bases) {
            out.put(b, new ArrayList<>());
        }
        for (String r : Compacted.readAll(log)) {
            long offset = Long.parseLong(r.substring(0, r.indexOf(' ')));
            long base = bases.stream().filter(b -> b <= offset).reduce((x, y) -> y).orElseThrow();
            out.get(base).add(r);
        }
        return out;
    }

    /**
     * A disk that loses power at the n-th write, fsync, rename, deletion or directory fsync after being
     * armed, and journals, from then on, the directory entries of {@code dir} changed since its last
     * fsync, so that {@link #undoUnsyncedEntries} can play a power loss that forgets them.
     */
    private static final class CuttingDisk implements FileAccess {
        private final SimulatedDisk disk;
        private final Path dir;
        private final Deque<Runnable> unsynced = new ArrayDeque<>(); // undo steps, newest first
        private int remaining = Integer.MAX_VALUE;
        private boolean armed;
        boolean cut;

        CuttingDisk(SimulatedDisk disk, Path dir) {
            this.disk = disk;
            this.dir = dir;
        }

        void cutAfter(int steps) {
            remaining = steps;
            armed = true;
        }

        private void step() throws IOException {
            if (--remaining == 0) {
                cut = true;
                disk.powerOff();
            }
            if (cut) {
                throw new IOException("simulated power loss: the disk is gone");
            }
        }

        /** After the power came back: undoes the journaled entry changes, newest first. */
        void undoUnsyncedEntries() {
            while (!unsynced.isEmpty()) {
                unsynced.pop().run();
            }
        }

        private void journal(Path file, Runnable undo) {
            if (armed && file.getParent().equals(dir)) {
                unsynced.push(undo);
            }
        }

        @Override
        public StorageFile open(Path file) throws IOException {
            if (!Files.exists(file)) {
                journal(file, () -> uncheck(() -> Files.deleteIfExists(file)));
            }
            return new HookedFile(disk.open(file), () -> step(), () -> step());
        }

        @Override
        public void rename(Path from, Path to) throws IOException {
            step();
            byte[] replaced = Files.exists(to) ? Files.readAllBytes(to) : null;
            disk.rename(from, to);
            journal(to, () -> uncheck(() -> {
                Files.move(to, from, StandardCopyOption.REPLACE_EXISTING);
                if (replaced != null) {
                    Files.write(to, replaced);
                }
            }));
        }

        @Override
        public void delete(Path file) throws IOException {
            step();
            if (Files.exists(file)) {
                byte[] content = Files.readAllBytes(file);
                journal(file, () -> uncheck(() -> Files.write(file, content)));
            }
            disk.delete(file);
        }

        @Override
        public void fsyncDirectory(Path d) throws IOException {
            step();
            disk.fsyncDirectory(d);
            if (d.equals(dir)) {
                unsynced.clear();
            }
        }

        private interface IoAction {
            void run() throws IOException;
        }

        private static void uncheck(IoAction action) {
            try {
                action.run();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }
}
