package io.sluice.network;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.FileRegion;
import io.netty.handler.codec.MessageToMessageEncoder;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.WritableByteChannel;
import java.util.List;

/**
 * On a TLS connection, turns the zero-copy {@link FileRegion}s of fetch responses (both protocols) into
 * buffers, since the bytes must be encrypted and Netty's {@code SslHandler} takes only buffers. It sits
 * between the TLS handler and the protocol's handlers, so every write passes it; a region is read into
 * buffers of at most {@link #CHUNK_BYTES} with positional reads (the segment's file position is not
 * touched), the same copy Kafka makes on its TLS transport. Stateless; shareable.
 */
@ChannelHandler.Sharable
public final class FileRegionToBytes extends MessageToMessageEncoder<FileRegion> {
    /** Largest buffer one read fills. */
    static final int CHUNK_BYTES = 256 * 1024;
    public static final FileRegionToBytes INSTANCE = new FileRegionToBytes();

    private FileRegionToBytes() {
        super(FileRegion.class);
    }

    @Override
    protected void encode(ChannelHandlerContext ctx, FileRegion region, List<Object> out) throws IOException {
        long remaining = region.count() - region.transferred();
        long position = region.transferred();
        while (remaining > 0) {
            int size = (int) Math.min(remaining, CHUNK_BYTES);
            ByteBuf chunk = ctx.alloc().ioBuffer(size);
            try {
                BufferChannel target = new BufferChannel(chunk, size);
                while (target.room() > 0) {
                    long n = region.transferTo(target, position);
                    if (n <= 0) {
                        throw new IOException("log region ended after " + position + " of " + region.count()
                                + " bytes (segment truncated while it was being sent?)");
                    }
                    position += n;
                }
            } catch (IOException | RuntimeException e) {
                chunk.release();
                throw e;
            }
            out.add(chunk);
            remaining -= size;
        }
    }

    /** A channel that fills one buffer up to a limit. */
    private static final class BufferChannel implements WritableByteChannel {
        private final ByteBuf buf;
        private final int limit;

        BufferChannel(ByteBuf buf, int limit) {
            this.buf = buf;
            this.limit = limit;
        }

        int room() {
            return limit - buf.writerIndex();
        }

        @Override
        public int write(ByteBuffer src) {
            int n = Math.min(src.remaining(), room());
            ByteBuffer slice = src.slice();
            slice.limit(n);
            buf.writeBytes(slice);
            src.position(src.position() + n);
            return n;
        }

        @Override
        public boolean isOpen() {
            return true;
        }

        @Override
        public void close() {
        }
    }
}
