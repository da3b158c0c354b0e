package io.sluice.jepsen.history;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.LongSupplier;

/**
 * The history of one test: clients call {@link #invoke} before an operation and {@link #complete}
 * after it, and every operation is kept in memory and appended to a JSON-lines file as it happens (so
 * a crashed harness still leaves the history up to the crash). Thread-safe: many client threads record
 * at once; one lock orders the lines, so indexes and times increase together.
 */
public final class History implements AutoCloseable {
    private final LongSupplier clock;
    private final BufferedWriter out;
    private final List<Op> ops = new ArrayList<>();

    /**
     * @param file the JSON-lines file to write, or null to keep the history in memory only
     * @param clock nanoseconds since the start of the test
     */
    public History(Path file, LongSupplier clock) {
        this.clock = clock;
        try {
            this.out = file == null ? null : Files.newBufferedWriter(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the history to " + file, e);
        }
    }

    /** Records the start of an operation and returns it, to be passed to {@link #complete}. */
    public Op invoke(String f, int process, String key, Object value, String group) {
        return append(Op.Type.INVOKE, f, process, key, value, null, group, null);
    }

    /** Records the outcome of {@code invocation}. */
    public Op complete(Op invocation, Op.Type type, Object value, Long offset, String error) {
        return append(type, invocation.f(), invocation.process(), invocation.key(), value, offset,
                invocation.group(), error);
    }

    private synchronized Op append(Op.Type type, String f, int process, String key, Object value, Long offset,
                                   String group, String error) {
        Op op = new Op(ops.size(), type, f, process, clock.getAsLong(), key, value, offset, group, error);
        ops.add(op);
        if (out != null) {
            try {
                out.write(Json.write(op.toJson()));
                out.write('\n');
            } catch (IOException e) {
                throw new UncheckedIOException("cannot append to the history file", e);
            }
        }
        return op;
    }

    /** A copy of every operation so far. */
    public synchronized List<Op> ops() {
        return List.copyOf(ops);
    }

    /** Pushes buffered lines to the file, so a reader sees them. */
    public synchronized void flush() {
        if (out != null) {
            try {
                out.flush();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    @Override
    public synchronized void close() {
        if (out != null) {
            try {
                out.close();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    /** Reads a history file back; a malformed line fails with its line number. */
    public static List<Op> read(Path file) throws IOException {
        List<Op> result = new ArrayList<>();
        int lineNo = 0;
        for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
            lineNo++;
            if (line.isBlank()) {
                continue;
            }
            try {
                @SuppressWarnings("unchecked")
                var map = (java.util.Map<String, Object>) Json.parse(line);
                result.add(Op.fromJson(map));
            } catch (RuntimeException e) {
                throw new IOException(file + " line " + lineNo + ": " + e.getMessage(), e);
            }
        }
        return result;
    }
}
