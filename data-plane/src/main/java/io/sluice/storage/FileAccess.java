package io.sluice.storage;

import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/**
 * How the storage layer writes, fsyncs and renames its files: the seam where a test puts a disk
 * that loses whatever was not fsynced when the power goes (as Jepsen's LazyFS does), so that a
 * missing fsync or a wrong recovery point fails a Maven test instead of a production restart.
 * Everything durability depends on goes through here: segment writes, truncation and fsync, and
 * the checkpoint files (write, fsync, rename, directory fsync), and the deletions of the log
 * cleaner's swap. Reads, and the zero-copy transfer
 * of log bytes to sockets, use {@link StorageFile#channel()} directly: it must stay the JDK's own
 * channel, because the native transport's sendfile needs its file descriptor. The memory-mapped
 * indexes are outside the seam; recovery checks them and rebuilds what does not match the log.
 *
 * <p>Implementations are thread-safe. {@link #DIRECT} is the real file system.
 */
public interface FileAccess {
    /** The file system as it is. */
    FileAccess DIRECT = new FileAccess() {
        @Override
        public StorageFile open(Path file) throws IOException {
            FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ,
                    StandardOpenOption.WRITE);
            return new DirectFile(channel);
        }

        @Override
        public void rename(Path from, Path to) throws IOException {
            Files.move(from, to, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        }

        @Override
        public void fsyncDirectory(Path dir) throws IOException {
            try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
                ch.force(true);
            }
        }

        @Override
        public void delete(Path file) throws IOException {
            Files.deleteIfExists(file);
        }
    };

    /** Opens {@code file} for reading and writing, creating it empty if it does not exist. */
    StorageFile open(Path file) throws IOException;

    /** Atomically replaces {@code to} with {@code from}. */
    void rename(Path from, Path to) throws IOException;

    /** Makes the directory's entries (created, renamed, deleted files) durable. */
    void fsyncDirectory(Path dir) throws IOException;

    /** Removes {@code file} if it exists; durable only after {@link #fsyncDirectory} of its directory. */
    void delete(Path file) throws IOException;

    /** One open file: writes and fsyncs go through here, reads through {@link #channel()}. */
    interface StorageFile extends Closeable {
        /** The JDK channel of the file, for reads, its size and zero-copy transfers; never write through it. */
        FileChannel channel();

        /** Writes all of {@code src} at {@code position}. */
        void write(ByteBuffer src, long position) throws IOException;

        void truncate(long size) throws IOException;

        /** fsyncs the file's content, and its metadata too when {@code metaData} (as {@link FileChannel#force}). */
        void force(boolean metaData) throws IOException;
    }

    /** A file of {@link #DIRECT}: every call goes straight to the channel. */
    final class DirectFile implements StorageFile {
        private final FileChannel channel;

        DirectFile(FileChannel channel) {
            this.channel = channel;
        }

        @Override
        public FileChannel channel() {
            return channel;
        }

        @Override
        public void write(ByteBuffer src, long position) throws IOException {
            long pos = position;
            while (src.hasRemaining()) {
                pos += channel.write(src, pos);
            }
        }

        @Override
        public void truncate(long size) throws IOException {
            channel.truncate(size);
        }

        @Override
        public void force(boolean metaData) throws IOException {
            channel.force(metaData);
        }

        @Override
        public void close() throws IOException {
            channel.close();
        }
    }
}
