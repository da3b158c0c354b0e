package io.sluice.protocol.record;

import com.github.luben.zstd.ZstdInputStreamNoFinalizer;
import com.github.luben.zstd.ZstdOutputStreamNoFinalizer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;
import net.jpountz.lz4.LZ4FrameInputStream;
import net.jpountz.lz4.LZ4FrameOutputStream;
import org.xerial.snappy.SnappyInputStream;
import org.xerial.snappy.SnappyOutputStream;

/**
 * The codecs of attribute bits 0-2 of a v2 batch, with the stream framings Kafka's clients use, so
 * batches produced here can be read by Kafka consumers and the other way round:
 * <ul>
 *   <li>gzip: RFC 1952 streams ({@link GZIPOutputStream});</li>
 *   <li>snappy: xerial's framing ({@link SnappyOutputStream}), which Kafka has always used;</li>
 *   <li>lz4: the LZ4 frame format with 64 KiB independent blocks and no content checksum, which is
 *       what Kafka's {@code KafkaLZ4BlockOutputStream} writes for magic 2;</li>
 *   <li>zstd: a standard zstd frame.</li>
 * </ul>
 * Only the records section of a batch (after the record count) is compressed.
 */
public enum CompressionType {
    NONE(0, "none") {
        @Override
        public OutputStream wrapForOutput(OutputStream out) {
            return out;
        }

        @Override
        public InputStream wrapForInput(InputStream in) {
            return in;
        }
    },
    GZIP(1, "gzip") {
        @Override
        public OutputStream wrapForOutput(OutputStream out) throws IOException {
            return new GZIPOutputStream(out, 8 * 1024);
        }

        @Override
        public InputStream wrapForInput(InputStream in) throws IOException {
            return new GZIPInputStream(in, 8 * 1024);
        }
    },
    SNAPPY(2, "snappy") {
        @Override
        public OutputStream wrapForOutput(OutputStream out) {
            return new SnappyOutputStream(out);
        }

        @Override
        public InputStream wrapForInput(InputStream in) throws IOException {
            return new SnappyInputStream(in);
        }
    },
    LZ4(3, "lz4") {
        @Override
        public OutputStream wrapForOutput(OutputStream out) throws IOException {
            return new LZ4FrameOutputStream(out, LZ4FrameOutputStream.BLOCKSIZE.SIZE_64KB,
                    LZ4FrameOutputStream.FLG.Bits.BLOCK_INDEPENDENCE);
        }

        @Override
        public InputStream wrapForInput(InputStream in) throws IOException {
            return new LZ4FrameInputStream(in);
        }
    },
    ZSTD(4, "zstd") {
        @Override
        public OutputStream wrapForOutput(OutputStream out) throws IOException {
            return new ZstdOutputStreamNoFinalizer(out);
        }

        @Override
        public InputStream wrapForInput(InputStream in) throws IOException {
            return new ZstdInputStreamNoFinalizer(in);
        }
    };

    private final int id;
    private final String configName;

    CompressionType(int id, String configName) {
        this.id = id;
        this.configName = configName;
    }

    /** The value of attribute bits 0-2. */
    public int id() {
        return id;
    }

    /** The name used by Kafka's {@code compression.type} setting. */
    public String configName() {
        return configName;
    }

    /** Wraps a sink so that what is written to the result reaches {@code out} compressed. */
    public abstract OutputStream wrapForOutput(OutputStream out) throws IOException;

    /** Wraps a source of compressed bytes so that reading the result yields them decompressed. */
    public abstract InputStream wrapForInput(InputStream in) throws IOException;

    /** The codec for attribute bits 0-2, or an exception naming the unknown id. */
    public static CompressionType forId(int id) {
        return switch (id) {
            case 0 -> NONE;
            case 1 -> GZIP;
            case 2 -> SNAPPY;
            case 3 -> LZ4;
            case 4 -> ZSTD;
            default -> throw new CorruptRecordException("unknown compression codec id " + id
                    + " (known: 0 none, 1 gzip, 2 snappy, 3 lz4, 4 zstd)");
        };
    }

    /** The codec for a {@code compression.type} name such as {@code "lz4"}. */
    public static CompressionType forName(String name) {
        for (CompressionType t : values()) {
            if (t.configName.equals(name)) {
                return t;
            }
        }
        throw new IllegalArgumentException("unknown compression type '" + name
                + "' (allowed: none, gzip, snappy, lz4, zstd)");
    }
}
