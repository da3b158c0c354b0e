package io.sluice.storage;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A small text file replaced atomically: written to {@code <name>.tmp}, fsynced, renamed over the
 * old one, and the directory fsynced (all through {@link FileAccess}), so a crash leaves either the
 * old or the new content. Format
 * (as Kafka's checkpoint files): a version line {@code 0}, a count line, then one entry per line.
 * Stateless; callers serialize writes to the same file.
 */
final class CheckpointFile {
    private static final String VERSION = "0";

    private CheckpointFile() {
    }

    static void write(FileAccess files, Path file, List<String> entries) throws IOException {
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        StringBuilder sb = new StringBuilder(32 + entries.size() * 24);
        sb.append(VERSION).append('\n').append(entries.size()).append('\n');
        for (String e : entries) {
            sb.append(e).append('\n');
        }
        try (FileAccess.StorageFile out = files.open(tmp)) {
            out.truncate(0);
            out.write(java.nio.ByteBuffer.wrap(sb.toString().getBytes(StandardCharsets.UTF_8)), 0);
            out.force(true);
        }
        files.rename(tmp, file);
        files.fsyncDirectory(file.getParent());
    }

    /** The entries, or an empty list if the file does not exist. Malformed content throws. */
    static List<String> read(Path file) throws IOException {
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            return List.of();
        }
        if (lines.size() < 2 || !VERSION.equals(lines.get(0).trim())) {
            throw new IOException("checkpoint " + file + " has no version 0 header");
        }
        int count;
        try {
            count = Integer.parseInt(lines.get(1).trim());
        } catch (NumberFormatException e) {
            throw new IOException("checkpoint " + file + " has a malformed count line '" + lines.get(1) + "'", e);
        }
        if (lines.size() - 2 != count) {
            throw new IOException("checkpoint " + file + " says " + count + " entries but has " + (lines.size() - 2));
        }
        return new ArrayList<>(lines.subList(2, lines.size()));
    }
}
