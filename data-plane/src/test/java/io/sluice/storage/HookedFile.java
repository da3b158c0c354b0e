package io.sluice.storage;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;

/**
 * A file that runs the test's hooks before each write and each fsync, then does them on the real file:
 * how a test pauses a flusher at an fsync or cuts the power at a chosen step. Thread-safe as far as
 * the hooks and the real file are.
 */
public final class HookedFile implements FileAccess.StorageFile {
    /** Runs before an operation; may block or throw instead of letting it happen. */
    @FunctionalInterface
    public interface Hook {
        void run() throws IOException;

        Hook NONE = () -> { };
    }

    private final FileAccess.StorageFile real;
    private final Hook beforeWrite;
    private final Hook beforeForce;

    public HookedFile(FileAccess.StorageFile real, Hook beforeWrite, Hook beforeForce) {
        this.real = real;
        this.beforeWrite = beforeWrite;
        this.beforeForce = beforeForce;
    }

    @Override
    public FileChannel channel() {
        return real.channel();
    }

    @Override
    public void write(ByteBuffer src, long position) throws IOException {
        beforeWrite.run();
        real.write(src, position);
    }

    @Override
    public void truncate(long size) throws IOException {
        real.truncate(size);
    }

    @Override
    public void force(boolean metaData) throws IOException {
        beforeForce.run();
        real.force(metaData);
    }

    @Override
    public void close() throws IOException {
        real.close();
    }
}
