package io.sluice.replication;

import io.sluice.storage.FileAccess;
import io.sluice.storage.HookedFile;
import java.io.IOException;
import java.nio.file.Path;

/**
 * Real files whose fsyncs wait while the test holds the gate shut, so that "after the fsync" is a step
 * of the test rather than a race with the flusher thread. Open at first. Thread-safe.
 */
final class GatedDisk implements FileAccess {
    private boolean open = true;

    synchronized void shut() {
        open = false;
    }

    synchronized void open() {
        open = true;
        notifyAll();
    }

    synchronized boolean isOpen() {
        return open;
    }

    private synchronized void await() throws IOException {
        long deadline = System.nanoTime() + 20_000_000_000L;
        try {
            while (!open) {
                long left = (deadline - System.nanoTime()) / 1_000_000;
                if (left <= 0) {
                    throw new IOException("the test never opened the gate");
                }
                wait(left);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(e);
        }
    }

    @Override
    public StorageFile open(Path file) throws IOException {
        return new HookedFile(FileAccess.DIRECT.open(file), HookedFile.Hook.NONE, this::await);
    }

    @Override
    public void rename(Path from, Path to) throws IOException {
        FileAccess.DIRECT.rename(from, to);
    }

    @Override
    public void fsyncDirectory(Path dir) throws IOException {
        FileAccess.DIRECT.fsyncDirectory(dir);
    }

    @Override
    public void delete(Path file) throws IOException {
        FileAccess.DIRECT.delete(file);
    }
}
