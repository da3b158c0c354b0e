package io.sluice.storage;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.Random;

/**
 * A disk that can lose power, in the manner of Jepsen's LazyFS: writes reach the real file at once
 * (so reads and zero-copy transfers see them, as they would see the page cache), and this class
 * keeps aside, per file, the content as of its last fsync. {@link #powerOff()} makes every later
 * write and fsync fail; {@link #powerOn} then puts each file back to its fsynced content, dropping
 * what was written since, and in {@link Loss#TORN_TAIL} mode keeps a part of the unsynced bytes
 * appended last, cut inside a 4 KiB page: a torn write of the last page.
 *
 * <p>Simplifications, each the friendly side of a real disk: directory entries (creation, rename,
 * deletion) are durable at once, so {@link #fsyncDirectory} does nothing; a file this disk first
 * sees already on disk counts as fsynced; the memory-mapped indexes are not tracked and keep their
 * latest content (one outcome a kernel can produce; recovery checks them against the log). fsync
 * does not call the real fsync: only this class's bookkeeping decides what survives, which also
 * keeps tests fast.
 *
 * <p>Thread-safety: every method synchronizes on the disk, so a power cut falls between two
 * fsyncs, never inside one.
 */
public final class SimulatedDisk implements FileAccess {
    /** What survives of the bytes written after the last fsync. */
    public enum Loss {
        /** Nothing. */
        UNSYNCED_DROPPED,
        /** A prefix of the unsynced tail of each file that grew, ending inside a page. */
        TORN_TAIL
    }

    private static final int PAGE = 4096;
    private final Map<Path, Tracked> files = new HashMap<>();
    private boolean poweredOff;
    private long fsyncs;

    /** One file's fsynced content and the lowest position changed since. */
    private static final class Tracked {
        private byte[] data;
        private int length;
        long dirtyFrom = Long.MAX_VALUE;

        Tracked(byte[] durable) {
            set(durable);
        }

        byte[] durable() {
            return Arrays.copyOf(data, length);
        }

        void set(byte[] content) {
            data = content;
            length = content.length;
        }

        /** Reads the file's bytes from {@code from} to {@code size} into the fsynced copy. */
        void sync(FileChannel channel, long from, int size) throws IOException {
            if (data.length < size) {
                data = Arrays.copyOf(data, Math.max(size, data.length * 2));
            }
            ByteBuffer buf = ByteBuffer.wrap(data, (int) from, size - (int) from);
            while (buf.hasRemaining() && channel.read(buf, buf.position()) >= 0) {
                // positional reads until the range is filled
            }
            length = size;
            dirtyFrom = Long.MAX_VALUE;
        }
    }

    @Override
    public synchronized StorageFile open(Path file) throws IOException {
        checkPower();
        Tracked tracked = files.get(file);
        if (tracked == null || !Files.exists(file)) {
            tracked = new Tracked(Files.exists(file) ? Files.readAllBytes(file) : new byte[0]);
            files.put(file, tracked);
        }
        return new SimulatedFile(file, tracked, FileAccess.DIRECT.open(file));
    }

    @Override
    public synchronized void rename(Path from, Path to) throws IOException {
        checkPower();
        Files.move(from, to, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        Tracked tracked = files.remove(from);
        if (tracked != null) {
            files.put(to, tracked);
        } else {
            files.remove(to);
        }
    }

    @Override
    public synchronized void fsyncDirectory(Path dir) throws IOException {
        checkPower();
    }

    @Override
    public synchronized void delete(Path file) throws IOException {
        checkPower();
        Files.deleteIfExists(file);
        files.remove(file);
    }

    /** The power goes: from now on every write and fsync through this disk fails. */
    public synchronized void powerOff() {
        poweredOff = true;
    }

    /**
     * The power comes back: every file still on disk is put back to its fsynced content, plus a torn
     * tail in {@link Loss#TORN_TAIL} mode (where {@code random} chooses the cut). Call it after the
     * node using the disk stopped.
     */
    public synchronized void powerOn(Loss loss, Random random) throws IOException {
        for (Map.Entry<Path, Tracked> e : files.entrySet()) {
            Path path = e.getKey();
            Tracked t = e.getValue();
            if (!Files.exists(path)) {
                continue;
            }
            byte[] current = Files.readAllBytes(path);
            if (t.dirtyFrom == Long.MAX_VALUE && current.length == t.length) {
                continue;
            }
            byte[] survived = t.durable();
            boolean appendedOnly = t.dirtyFrom >= t.length && current.length > t.length;
            if (loss == Loss.TORN_TAIL && appendedOnly) {
                survived = Arrays.copyOf(current, tornLength(t.length, current.length, random));
            }
            Files.write(path, survived);
            t.set(survived);
            t.dirtyFrom = Long.MAX_VALUE;
        }
        poweredOff = false;
    }

    /** Whole unsynced pages in order, then part of the next one; at least one byte short of all. */
    private static int tornLength(int durable, int written, Random random) {
        int lastPageStart = Math.max(durable, (written - 1) / PAGE * PAGE);
        int pagesKept = lastPageStart <= durable ? 0 : random.nextInt((lastPageStart - durable) / PAGE + 1);
        int pageStart = Math.max(durable, (durable / PAGE + pagesKept) * PAGE);
        int pageEnd = Math.min(written, (pageStart / PAGE + 1) * PAGE);
        return pageStart + random.nextInt(Math.max(1, pageEnd - pageStart));
    }

    /** How many fsyncs of files this disk has done (a test can check that a path fsyncs at all). */
    public synchronized long fsyncs() {
        return fsyncs;
    }

    private void checkPower() throws IOException {
        if (poweredOff) {
            throw new IOException("simulated power loss: the disk is gone");
        }
    }

    /** A real file whose writes are noted, and whose fsync only updates the kept-aside copy. */
    private final class SimulatedFile implements StorageFile {
        private final Path path;
        private final Tracked tracked;
        private final StorageFile real;
        private final FileChannel channel;

        SimulatedFile(Path path, Tracked tracked, StorageFile real) {
            this.path = path;
            this.tracked = tracked;
            this.real = real;
            this.channel = real.channel();
        }

        @Override
        public FileChannel channel() {
            return channel;
        }

        @Override
        public void write(ByteBuffer src, long position) throws IOException {
            synchronized (SimulatedDisk.this) {
                checkPower();
                tracked.dirtyFrom = Math.min(tracked.dirtyFrom, position);
                real.write(src, position);
            }
        }

        @Override
        public void truncate(long size) throws IOException {
            synchronized (SimulatedDisk.this) {
                checkPower();
                if (size < channel.size()) {
                    tracked.dirtyFrom = Math.min(tracked.dirtyFrom, size);
                }
                real.truncate(size);
            }
        }

        @Override
        public void force(boolean metaData) throws IOException {
            synchronized (SimulatedDisk.this) {
                checkPower();
                fsyncs++;
                if (files.get(path) != tracked) {
                    return; // renamed over or recreated: this handle's bytes are no longer that path's
                }
                int size = (int) channel.size();
                tracked.sync(channel, Math.min(tracked.dirtyFrom, Math.min(size, tracked.length)), size);
            }
        }

        @Override
        public void close() throws IOException {
            real.close();
        }
    }
}
