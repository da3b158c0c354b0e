package io.sluice.jepsen.harness;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * One mount of {@code crashfs}, the suite's FUSE file system (source: {@code crashfs.c} next to this
 * class): a node's data directory whose written-but-not-fsynced data (and, on request, directory
 * entries) can be thrown away as a power loss would, and whose writes or fsyncs can be made to fail.
 * The file system runs as its own process, started here, so that killing the node leaves it and what
 * it remembers alive. {@link #build} compiles it once per source version with the machine's C compiler
 * and libfuse3. Thread-safe: control commands are one connection each; mount state is guarded by this.
 */
public final class CrashFs implements AutoCloseable {
    /** The name every mount carries in /proc/mounts, so leftovers of a crashed run can be found. */
    static final String FS_NAME = "sluice-crashfs";
    private static final String SOURCE = "/io/sluice/jepsen/crashfs.c";

    private final Path mountPoint;
    private final Path backing;
    private final Path socket;
    private Process process;

    private CrashFs(Path mountPoint, Path backing, Path socket) {
        this.mountPoint = mountPoint;
        this.backing = backing;
        this.socket = socket;
    }

    /**
     * Compiles crashfs (cached under the temp directory by the hash of its source) and returns the
     * binary. Throws {@link IllegalStateException} saying what to install when it cannot.
     */
    public static Path build() throws IOException {
        byte[] source;
        try (InputStream in = CrashFs.class.getResourceAsStream(SOURCE)) {
            if (in == null) {
                throw new IllegalStateException("crashfs.c is missing from the suite's jar");
            }
            source = in.readAllBytes();
        }
        Path dir = Path.of(System.getProperty("java.io.tmpdir"), "sluice-crashfs-" + sha256(source).substring(0, 16));
        Path binary = dir.resolve("crashfs");
        if (Files.isExecutable(binary)) {
            return binary;
        }
        if (!Files.exists(Path.of("/dev/fuse"))) {
            throw new IllegalStateException("power-loss and disk faults need FUSE: /dev/fuse is missing");
        }
        Shell.Result flags = Shell.run("pkg-config", "--cflags", "--libs", "fuse3");
        if (!flags.ok()) {
            throw new IllegalStateException("power-loss and disk faults need libfuse3 and pkg-config to build crashfs"
                    + " (apt-get install fuse3 libfuse3-dev pkg-config gcc): " + flags.output());
        }
        Files.createDirectories(dir);
        Path c = dir.resolve("crashfs.c");
        Files.write(c, source);
        Path tmp = dir.resolve("crashfs.tmp");
        List<String> cc = new ArrayList<>(List.of("cc", "-O2", "-Wall", "-o", tmp.toString(), c.toString()));
        cc.addAll(List.of(flags.output().split("\\s+")));
        Shell.Result built = Shell.run(cc, Duration.ofSeconds(120));
        if (!built.ok()) {
            throw new IllegalStateException("could not compile crashfs (apt-get install gcc libfuse3-dev): " + built.output());
        }
        Files.move(tmp, binary, java.nio.file.StandardCopyOption.ATOMIC_MOVE, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        return binary;
    }

    /**
     * Mounts crashfs at {@code mountPoint} over {@code backing} (both made if missing), logging to
     * {@code log}; returns when the mount is in place.
     */
    public static CrashFs mount(Path binary, Path mountPoint, Path backing, Path socket, Path log) throws IOException {
        Files.createDirectories(mountPoint);
        Files.createDirectories(backing);
        Path stash = backing.resolveSibling(backing.getFileName() + ".stash");
        Files.createDirectories(stash);
        Files.deleteIfExists(socket);
        CrashFs fs = new CrashFs(mountPoint.toAbsolutePath(), backing.toAbsolutePath(), socket);
        fs.process = new ProcessBuilder(binary.toString(), fs.backing.toString(), stash.toAbsolutePath().toString(),
                socket.toString(), fs.mountPoint.toString(), "-f", "-o", "fsname=" + FS_NAME)
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null"))).start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!fs.mounted() || !Files.exists(socket)) {
            if (!fs.process.isAlive() || System.nanoTime() > deadline) {
                fs.close();
                throw new IllegalStateException("crashfs did not mount " + mountPoint + "; see " + log);
            }
            Cluster.sleep(50);
        }
        return fs;
    }

    public Path mountPoint() {
        return mountPoint;
    }

    public Path backing() {
        return backing;
    }

    /** Whether the mount point is a crashfs mount now. */
    boolean mounted() {
        return mountedPoints().contains(mountPoint.toString());
    }

    /**
     * The power loss, for a node that is already dead: the kernel's dirty pages (a memory-mapped
     * index) are pushed down to crashfs first, as they would reach the disk's cache, then everything
     * not fsynced is dropped. {@code mode}: empty, or words among {@code torn}, {@code dirs} and a
     * seed. Returns crashfs's answer (what it dropped).
     */
    public String drop(String mode) {
        Shell.run("sync", "-f", mountPoint.toString());
        return command(("drop " + mode).trim());
    }

    /** Turns a disk fault on or off: {@code enospc} (writes fail) or {@code eio} (fsync fails). */
    public String fail(String fault, boolean on) {
        return command(fault + (on ? " on" : " off"));
    }

    /** Sends one command and returns the answer; throws if crashfs refused it or did not answer. */
    public String command(String line) {
        try (SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            ch.connect(UnixDomainSocketAddress.of(socket));
            ch.write(ByteBuffer.wrap((line + "\n").getBytes(StandardCharsets.UTF_8)));
            ByteBuffer buf = ByteBuffer.allocate(512);
            while (ch.read(buf) >= 0 && buf.hasRemaining()) {
                // read until crashfs closes the connection
            }
            String answer = new String(buf.array(), 0, buf.position(), StandardCharsets.UTF_8).trim();
            if (!answer.startsWith("ok")) {
                throw new IllegalStateException("crashfs at " + mountPoint + " answered '" + answer + "' to '" + line + "'");
            }
            return answer.substring(2).trim();
        } catch (IOException e) {
            throw new IllegalStateException("crashfs at " + mountPoint + " did not answer: " + e.getMessage(), e);
        }
    }

    /** Unmounts (lazily if something still holds it) and waits for the process to end. */
    @Override
    public synchronized void close() {
        if (mounted() && !Shell.run("umount", mountPoint.toString()).ok()) {
            Shell.run("umount", "-l", mountPoint.toString());
        }
        if (process != null) {
            try {
                if (!process.waitFor(10, TimeUnit.SECONDS)) {
                    process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        try {
            Files.deleteIfExists(socket);
        } catch (IOException e) {
            // a stale socket file is replaced by the next mount
        }
    }

    /** Unmounts every crashfs mount left by an earlier run that crashed. */
    static void unmountLeftovers() {
        for (String point : mountedPoints()) {
            Shell.run("umount", "-l", point);
        }
    }

    private static List<String> mountedPoints() {
        List<String> points = new ArrayList<>();
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/mounts"))) {
                String[] f = line.split(" ");
                if (f.length > 2 && f[0].equals(FS_NAME)) {
                    points.add(f[1].replace("\\040", " "));
                }
            }
        } catch (IOException e) {
            // no /proc: nothing can be mounted either
        }
        return points;
    }

    private static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
