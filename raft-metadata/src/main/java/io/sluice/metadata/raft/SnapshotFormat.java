package io.sluice.metadata.raft;

import io.sluice.metadata.image.MetadataImage;
import io.sluice.protocol.metadata.MetadataRecord;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.CRC32C;

/**
 * The metadata snapshot file: the image written as records.
 *
 * <pre>
 *   int32  magic 0x534C4D53 ("SLMS")
 *   int32  format version (1)
 *   int64  image index, int64 image term (the last command folded into the image)
 *   int32  record count
 *   record count x varint-length-delimited MetadataRecord
 *   int32  CRC32C of every byte above
 * </pre>
 *
 * The file is written to a temporary name and renamed, so a crash never leaves half a snapshot under
 * the real name; the checksum catches anything that damages it later. Stateless.
 */
final class SnapshotFormat {

    static final int MAGIC = 0x534C4D53;
    static final int VERSION = 1;

    private SnapshotFormat() {
    }

    /** Writes the image; returns how many records it holds. */
    static int write(MetadataImage image, Path file) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(bytes);
        List<MetadataRecord> records = image.toRecords();
        out.writeInt(MAGIC);
        out.writeInt(VERSION);
        out.writeLong(image.index());
        out.writeLong(image.term());
        out.writeInt(records.size());
        for (MetadataRecord record : records) {
            record.writeDelimitedTo(out);
        }
        out.flush();
        CRC32C crc = new CRC32C();
        crc.update(bytes.toByteArray());
        out.writeInt((int) crc.getValue());
        out.flush();

        Path tmp = file.resolveSibling(".tmp-" + file.getFileName());
        Files.write(tmp, bytes.toByteArray());
        // Durable before it gets its real name: Ratis may purge the log up to this snapshot right after.
        try (FileChannel channel = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
            channel.force(true);
        }
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        return records.size();
    }

    /** Reads and verifies a snapshot; a damaged file is refused, never half-loaded. */
    static MetadataImage read(Path file) throws IOException {
        byte[] data = Files.readAllBytes(file);
        if (data.length < 32) {
            throw corrupt(file, "it is truncated (" + data.length + " bytes)");
        }
        CRC32C crc = new CRC32C();
        crc.update(data, 0, data.length - 4);
        int stored = ByteBuffer.wrap(data, data.length - 4, 4).getInt();
        if ((int) crc.getValue() != stored) {
            throw corrupt(file, "its checksum does not match");
        }
        DataInputStream in = new DataInputStream(new ByteArrayInputStream(data, 0, data.length - 4));
        if (in.readInt() != MAGIC) {
            throw corrupt(file, "it is not a Sluice metadata snapshot");
        }
        int version = in.readInt();
        if (version != VERSION) {
            throw new MetadataStorageException("Metadata snapshot " + file + " has format version " + version
                    + ", this Sluice reads version " + VERSION + ": run the Sluice version that wrote it.");
        }
        long index = in.readLong();
        long term = in.readLong();
        int count = in.readInt();
        List<MetadataRecord> records = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            MetadataRecord record = MetadataRecord.parseDelimitedFrom(in);
            if (record == null) {
                throw corrupt(file, "it ends after " + i + " of " + count + " records");
            }
            records.add(record);
        }
        try {
            return MetadataImage.fromRecords(records, index, term);
        } catch (RuntimeException e) {
            throw corrupt(file, "its records do not form a valid image (" + e.getMessage() + ")");
        }
    }

    static MetadataStorageException corrupt(Path file, String why) {
        return new MetadataStorageException("Metadata snapshot " + file + " is corrupt: " + why
                + ". Restore the node's data directory from a backup, or empty it to re-sync this node"
                + " from the other voters.");
    }
}
