package io.sluice.storage.bench;

import io.sluice.protocol.record.CompressionType;
import io.sluice.protocol.record.RecordBatch;
import io.sluice.protocol.record.RecordBatchBuilder;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Random;
import java.util.stream.Stream;

/** Helpers shared by the storage benchmarks. */
final class BenchFiles {
    private BenchFiles() {
    }

    /** A directory for one trial; under {@code -Dbench.dir} if given (put it on the disk to measure). */
    static Path newDir(String prefix) throws IOException {
        String base = System.getProperty("bench.dir");
        return base == null ? Files.createTempDirectory(prefix) : Files.createTempDirectory(Path.of(base), prefix);
    }

    static void deleteRecursively(Path dir) throws IOException {
        if (dir == null || !Files.exists(dir)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : (Iterable<Path>) walk.sorted(Comparator.reverseOrder())::iterator) {
                Files.deleteIfExists(p);
            }
        }
    }

    /** One uncompressed batch of a single record whose whole batch is {@code batchSize} bytes. */
    static ByteBuffer batchOfSize(int batchSize) {
        Random random = new Random(1);
        int value = batchSize - RecordBatch.HEADER_SIZE - 8; // record framing is 7 to 11 bytes
        while (true) {
            byte[] bytes = new byte[value];
            random.nextBytes(bytes);
            ByteBuffer b = new RecordBatchBuilder(CompressionType.NONE).append(0, null, bytes).build();
            if (b.remaining() == batchSize) {
                return b;
            }
            value -= b.remaining() - batchSize;
        }
    }
}
