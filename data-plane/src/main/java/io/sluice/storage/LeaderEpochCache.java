package io.sluice.storage;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Leader epoch to start offset (the first offset written in that epoch), persisted in
 * {@code leader-epoch-checkpoint} on every change. Epochs and start offsets both increase. It is
 * what lets a follower find where its log diverges from a new leader's without trusting the high
 * watermark.
 *
 * <p>Thread-safety: all methods are synchronized; changes are rare (one per leader change, plus
 * truncations) so the file write under the lock is acceptable.
 */
final class LeaderEpochCache {
    static final String FILE_NAME = "leader-epoch-checkpoint";

    private final Path file;
    private final FileAccess files;
    private final TreeMap<Integer, Long> epochs = new TreeMap<>();

    private LeaderEpochCache(Path file, FileAccess files) {
        this.file = file;
        this.files = files;
    }

    static LeaderEpochCache load(Path dir, FileAccess files) throws IOException {
        LeaderEpochCache cache = new LeaderEpochCache(dir.resolve(FILE_NAME), files);
        for (String line : CheckpointFile.read(cache.file)) {
            String[] parts = line.trim().split("\\s+");
            if (parts.length != 2) {
                throw new IOException("malformed line '" + line + "' in " + cache.file);
            }
            cache.epochs.put(Integer.parseInt(parts[0]), Long.parseLong(parts[1]));
        }
        return cache;
    }

    /** Records that {@code epoch} starts at {@code startOffset}, if it is newer than the latest. */
    synchronized void assign(int epoch, long startOffset) throws IOException {
        if (epoch < 0 || (!epochs.isEmpty() && epoch <= epochs.lastKey())) {
            return;
        }
        // A new epoch starting at or below an older one's start means the older one has no entries left.
        epochs.values().removeIf(start -> start >= startOffset);
        epochs.put(epoch, startOffset);
        persist();
    }

    /** The latest epoch, or -1 if none. */
    synchronized int latestEpoch() {
        return epochs.isEmpty() ? EpochEndOffset.UNDEFINED_EPOCH : epochs.lastKey();
    }

    synchronized EpochEndOffset endOffsetFor(int requestedEpoch, long logEndOffset) {
        if (requestedEpoch < 0 || epochs.isEmpty()) {
            return EpochEndOffset.UNDEFINED;
        }
        if (requestedEpoch == epochs.lastKey()) {
            return new EpochEndOffset(requestedEpoch, logEndOffset);
        }
        Map.Entry<Integer, Long> higher = epochs.higherEntry(requestedEpoch);
        if (higher == null) {
            return EpochEndOffset.UNDEFINED; // newer than anything we have seen
        }
        Map.Entry<Integer, Long> floor = epochs.floorEntry(requestedEpoch);
        // Older than our first epoch: the leader's log diverges from ours before our first entry.
        int epoch = floor == null ? requestedEpoch : floor.getKey();
        return new EpochEndOffset(epoch, higher.getValue());
    }

    /** Forgets epochs starting at or after {@code endOffset} (the log was truncated there). */
    synchronized void truncateFromEnd(long endOffset) throws IOException {
        if (epochs.values().removeIf(start -> start >= endOffset)) {
            persist();
        }
    }

    /**
     * The log now starts at {@code startOffset}: drops epochs that ended before it and moves the
     * start of the epoch holding it up to it.
     */
    synchronized void truncateFromStart(long startOffset) throws IOException {
        Map.Entry<Integer, Long> holding = null;
        for (Map.Entry<Integer, Long> e : epochs.entrySet()) {
            if (e.getValue() <= startOffset) {
                holding = e;
            }
        }
        if (holding == null || holding.getValue() == startOffset && holding.getKey().equals(epochs.firstKey())) {
            return;
        }
        int keep = holding.getKey();
        epochs.headMap(keep, false).clear();
        epochs.put(keep, startOffset);
        persist();
    }

    synchronized void clear() throws IOException {
        epochs.clear();
        persist();
    }

    /** A copy of epoch to start offset, in epoch order. */
    synchronized TreeMap<Integer, Long> entries() {
        return new TreeMap<>(epochs);
    }

    private void persist() throws IOException {
        List<String> lines = new ArrayList<>(epochs.size());
        epochs.forEach((e, start) -> lines.add(e + " " + start));
        CheckpointFile.write(files, file, lines);
    }
}
