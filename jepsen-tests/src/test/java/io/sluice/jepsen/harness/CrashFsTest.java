package io.sluice.jepsen.harness;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * crashfs really forgets: through a real mount, what was fsynced survives a drop and what was not is
 * gone (overwrites put back, appends cut, torn tails only ever a prefix of what was written, entries
 * of directories never fsynced undone), and the disk faults fail writes and fsyncs. Skipped, saying
 * why, where FUSE cannot be mounted (not root, no /dev/fuse, no C compiler or libfuse3).
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class CrashFsTest {
    private static final int PAGE = 4096;

    @TempDir
    Path tmp;
    private CrashFs fs;
    private Path mnt;

    @BeforeEach
    void mount() throws IOException {
        assumeTrue("root".equals(System.getProperty("user.name")), "mounting FUSE here needs root");
        Path binary;
        try {
            binary = CrashFs.build();
        } catch (IllegalStateException e) {
            assumeTrue(false, e.getMessage());
            return;
        }
        mnt = tmp.resolve("mnt");
        fs = CrashFs.mount(binary, mnt, tmp.resolve("backing"), tmp.resolve("ctl.sock"), tmp.resolve("crashfs.log"));
    }

    @AfterEach
    void unmount() {
        if (fs != null) {
            fs.close();
            assertFalse(fs.mounted());
        }
    }

    @Test
    void aDropLeavesExactlyWhatWasFsynced() throws IOException {
        Path f = mnt.resolve("segment.log");
        byte[] synced = bytes('a', 5000);
        try (FileChannel ch = FileChannel.open(f, StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
            ch.write(ByteBuffer.wrap(synced));
            ch.force(false);
            ch.write(ByteBuffer.wrap(bytes('b', 3 * PAGE)));   // an append never fsynced
            ch.write(ByteBuffer.wrap(bytes('c', 10)), 100);     // an overwrite of fsynced bytes
        }
        fsyncDirectory(mnt);
        assertEquals(5000 + 3 * PAGE, Files.size(f), "before the drop the file holds everything");

        assertEquals("dropped files=1 pages=1 entries=0", fs.drop(""));

        assertArrayEquals(synced, Files.readAllBytes(f));
        assertEquals("dropped files=0 pages=0 entries=0", fs.drop(""), "nothing left to drop");
    }

    @Test
    void aTornDropKeepsAPrefixOfTheUnsyncedAppendAndNothingElse() throws IOException {
        Path f = mnt.resolve("torn.log");
        byte[] synced = bytes('a', 5000);
        byte[] appended = new byte[8 * PAGE];
        for (int i = 0; i < appended.length; i++) {
            appended[i] = (byte) ('A' + i % 26);
        }
        boolean sawTorn = false;
        for (int seed = 1; seed <= 8; seed++) {
            Files.write(f, synced);
            fsync(f);
            fsyncDirectory(mnt);
            Files.write(f, appended, StandardOpenOption.APPEND);
            fs.drop("torn " + seed);
            byte[] after = Files.readAllBytes(f);
            assertTrue(after.length >= synced.length && after.length <= synced.length + appended.length, "seed " + seed);
            assertArrayEquals(synced, Arrays.copyOf(after, synced.length), "the fsynced part is intact");
            int kept = synced.length;
            while (kept < after.length && after[kept] == appended[kept - synced.length]) {
                kept++;
            }
            for (int i = kept; i < after.length; i++) {
                assertEquals(0, after[i], "seed " + seed + ": past the kept prefix only zeros, up to the page's end");
            }
            assertTrue(after.length - kept < PAGE, "the zeros end with the torn page");
            sawTorn |= after.length > synced.length && after.length < synced.length + appended.length;
        }
        assertTrue(sawTorn, "some seed tears the append inside");
    }

    @Test
    void droppingDirectoryEntriesUndoesWhatNoDirectoryFsyncCovered() throws IOException {
        Path kept = mnt.resolve("kept");
        writeSynced(kept, "kept");
        Path checkpoint = mnt.resolve("checkpoint");
        writeSynced(checkpoint, "old");
        fsyncDirectory(mnt);

        Path created = mnt.resolve("created");                // data fsynced, its entry not
        writeSynced(created, "new");
        Path tmpFile = mnt.resolve("checkpoint.tmp");           // the write-then-rename pattern, no directory fsync
        writeSynced(tmpFile, "new");
        Files.move(tmpFile, checkpoint, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        Files.delete(kept);
        Path dir = Files.createDirectory(mnt.resolve("dir"));    // its own entry never fsynced in its parent
        Files.writeString(dir.resolve("inside"), "x");
        fsyncDirectory(dir);

        assertEquals("dropped files=1 pages=0 entries=5", fs.drop("dirs")); // dir/inside, never fsynced

        assertFalse(Files.exists(created));
        assertFalse(Files.exists(tmpFile));
        assertFalse(Files.exists(dir));
        assertEquals("old", Files.readString(checkpoint));
        assertEquals("kept", Files.readString(kept));
    }

    @Test
    void withoutDirsADropKeepsEntriesAndAFsyncedDirectoryKeepsThemToo() throws IOException {
        Path a = mnt.resolve("a");
        writeSynced(a, "a");
        assertEquals("dropped files=0 pages=0 entries=0", fs.drop(""));
        assertEquals("a", Files.readString(a));
        Path b = mnt.resolve("b");
        writeSynced(b, "b");
        fsyncDirectory(mnt);
        assertEquals("dropped files=0 pages=0 entries=0", fs.drop("dirs"));
        assertEquals("b", Files.readString(b));
    }

    @Test
    void aFullDiskFailsWritesAndAFailingDiskFailsFsyncAndCommitsNothing() throws IOException {
        Path f = mnt.resolve("f");
        writeSynced(f, "synced");
        fs.fail("enospc", true);
        IOException full = assertThrows(IOException.class, () -> Files.writeString(f, "more", StandardOpenOption.APPEND));
        assertTrue(full.getMessage().contains("No space left"), full.getMessage());
        fs.fail("enospc", false);
        Files.writeString(f, "more", StandardOpenOption.APPEND);

        fs.fail("eio", true);
        assertThrows(IOException.class, () -> fsync(f));
        fs.fail("eio", false);
        fs.drop("");
        assertEquals("synced", Files.readString(f), "the failed fsync made nothing durable");
    }

    private static byte[] bytes(char c, int n) {
        byte[] b = new byte[n];
        Arrays.fill(b, (byte) c);
        return b;
    }

    private static void writeSynced(Path file, String content) throws IOException {
        Files.writeString(file, content);
        fsync(file);
    }

    private static void fsync(Path file) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
            ch.force(true);
        }
    }

    private static void fsyncDirectory(Path dir) throws IOException {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        }
    }
}
