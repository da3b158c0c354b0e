package io.sluice.network;

import com.google.protobuf.MessageLite;
import io.netty.buffer.ByteBuf;
import io.netty.channel.FileRegion;
import java.util.List;

/**
 * What a handler answers: the response body and the raw section that follows it, either as a buffer
 * or as file regions of log segments (zero copy). The writer takes over the buffer and the regions.
 */
public record Response(MessageLite body, ByteBuf raw, List<FileRegion> regions) {
    public static Response of(MessageLite body) {
        return new Response(body, null, List.of());
    }

    public static Response withRegions(MessageLite body, List<FileRegion> regions) {
        return new Response(body, null, regions);
    }

    public long rawBytes() {
        long n = raw == null ? 0 : raw.readableBytes();
        for (FileRegion r : regions) {
            n += r.count();
        }
        return n;
    }

    /** Frees what was never written (the connection closed first). */
    public void release() {
        if (raw != null) {
            raw.release();
        }
        for (FileRegion r : regions) {
            r.release();
        }
    }
}
