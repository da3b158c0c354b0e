package io.sluice.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(10)
class IndexTest {
    @TempDir
    Path tmp;

    @Test
    void offsetIndexFloorLookup() throws IOException {
        OffsetIndex index = new OffsetIndex(tmp.resolve("a.index"), 1000, 80);
        index.append(1010, 500);
        index.append(1020, 900);
        index.append(1035, 1400);
        assertEquals(0, index.lookup(1000), "before the first entry: scan from the start");
        assertEquals(0, index.lookup(1009));
        assertEquals(500, index.lookup(1010));
        assertEquals(900, index.lookup(1034));
        assertEquals(1400, index.lookup(5000));
        assertTrue(index.isConsistent(2000, 2000));
        assertFalse(index.isConsistent(2000, 1400), "a position at or past the log's end is inconsistent");
    }

    @Test
    void entryCountIsRecoveredFromTheFile() throws IOException {
        Path file = tmp.resolve("b.index");
        OffsetIndex index = new OffsetIndex(file, 0, 800);
        for (int i = 1; i <= 37; i++) {
            index.append(i * 3L, i * 100);
        }
        index.flush();
        assertEquals(800, Files.size(file), "created at full size");
        OffsetIndex reopened = new OffsetIndex(file, 0, 800);
        assertEquals(37, reopened.entries());
        assertEquals(3700, reopened.lookup(1000));
    }

    @Test
    void truncationZeroesDroppedSlots() throws IOException {
        Path file = tmp.resolve("c.index");
        OffsetIndex index = new OffsetIndex(file, 100, 800);
        for (int i = 1; i <= 10; i++) {
            index.append(100 + i * 10L, i * 100);
        }
        index.truncateTo(150); // drops the entries of batches at 150 and later
        assertEquals(4, index.entries());
        assertEquals(400, index.lookup(10_000));
        assertEquals(4, new OffsetIndex(file, 100, 800).entries(), "zeroed slots are not counted on reopen");
    }

    @Test
    void fullIndexSaysSo() throws IOException {
        OffsetIndex index = new OffsetIndex(tmp.resolve("d.index"), 0, 16);
        index.append(1, 10);
        assertFalse(index.isFull());
        index.append(2, 20);
        assertTrue(index.isFull());
    }

    @Test
    void timeIndexFindsWhereToStartScanning() throws IOException {
        TimeIndex index = new TimeIndex(tmp.resolve("e.timeindex"), 50, 120);
        index.append(1000, 60); // batches before 60 are at most 1000
        index.append(2000, 70);
        index.append(2000, 80);
        index.append(3000, 90);
        assertEquals(50, index.lookup(500), "nothing known to be older: scan from the base");
        assertEquals(50, index.lookup(1000));
        assertEquals(60, index.lookup(1001));
        assertEquals(80, index.lookup(2001));
        assertEquals(90, index.lookup(9999));
        assertEquals(3000, index.lastTimestamp());
        index.truncateTo(80);
        assertEquals(2, index.entries());
        assertEquals(2000, new TimeIndex(tmp.resolve("e.timeindex"), 50, 120).lastTimestamp());
    }
}
