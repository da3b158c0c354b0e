package io.sluice.jepsen.harness;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.IntFunction;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The nodes' data directories: plain directories, or each one a {@link CrashFs} mount (for the
 * power-loss and disk faults), with the files kept in {@code data/.crashfs/node-N} underneath and
 * moved to {@code data/node-N} after the unmount, so a run directory looks the same either way.
 * Thread-safe: fault state is guarded by this (healing may run from the shutdown hook).
 */
public final class Disks implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Disks.class);

    private final Map<Integer, CrashFs> mounts;
    private final Set<String> failing = new TreeSet<>();
    private boolean closed;

    private Disks(Map<Integer, CrashFs> mounts) {
        this.mounts = mounts;
    }

    /** Plain directories: no disk faults. */
    public static Disks plain() {
        return new Disks(Map.of());
    }

    /**
     * Builds crashfs if needed and mounts one per node at {@code dataDir(n)}; throws
     * {@link IllegalStateException} saying what is missing when this machine cannot.
     */
    public static Disks crashFs(List<Integer> nodes, IntFunction<Path> dataDir, Path runDir) throws IOException {
        Path binary = CrashFs.build();
        CrashFs.unmountLeftovers();
        Map<Integer, CrashFs> mounts = new LinkedHashMap<>();
        Disks disks = new Disks(mounts);
        try {
            for (int n : nodes) {
                Path point = dataDir.apply(n);
                Path backing = point.resolveSibling(".crashfs").resolve(point.getFileName());
                Path socket = Path.of(System.getProperty("java.io.tmpdir"), "sluice-jepsen-crashfs-" + n + ".sock");
                mounts.put(n, CrashFs.mount(binary, point, backing, socket, runDir.resolve("nodes/crashfs-" + n + ".log")));
            }
        } catch (IOException | RuntimeException e) {
            disks.close();
            throw e;
        }
        return disks;
    }

    /** Whether power loss and disk faults can be injected. */
    public boolean faulty() {
        return !mounts.isEmpty();
    }

    /** Drops what node {@code node} (dead by now) had not fsynced; returns what was dropped. */
    public String drop(int node, String mode) {
        return mount(node).drop(mode);
    }

    /** Makes node {@code node}'s writes ({@code enospc}) or fsyncs ({@code eio}) fail until {@link #heal}. */
    public synchronized void fail(int node, String fault) {
        mount(node).fail(fault, true);
        failing.add(node + " " + fault);
    }

    /** Ends every disk fault. */
    public synchronized void heal() {
        for (String f : failing) {
            String[] parts = f.split(" ");
            try {
                mount(Integer.parseInt(parts[0])).fail(parts[1], false);
            } catch (RuntimeException e) {
                LOG.warn("could not end disk fault {}: {}", f, e.getMessage());
            }
        }
        failing.clear();
    }

    private CrashFs mount(int node) {
        CrashFs fs = mounts.get(node);
        if (fs == null) {
            throw new IllegalStateException("node " + node + "'s data directory is not on crashfs");
        }
        return fs;
    }

    /** Unmounts every crashfs (the nodes must be dead) and moves each node's files to its data directory. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        for (CrashFs fs : mounts.values()) {
            fs.close();
            try {
                if (!fs.mounted()) {
                    Files.deleteIfExists(fs.mountPoint()); // empty once unmounted
                    Files.move(fs.backing(), fs.mountPoint());
                    deleteTree(fs.backing().resolveSibling(fs.backing().getFileName() + ".stash"));
                }
            } catch (IOException e) {
                LOG.warn("node data stays in {}: {}", fs.backing(), e.getMessage());
            }
        }
    }

    private static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> all = Files.walk(dir)) {
            for (Path p : all.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
