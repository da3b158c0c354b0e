package io.sluice.server;

import io.netty.channel.DefaultFileRegion;
import io.sluice.storage.LogReadResult;

/**
 * Log bytes to send with zero copy: a region of a segment file that the log keeps open, so releasing
 * the region must not close the channel. Used by every protocol's fetch response.
 */
public final class SegmentRegion extends DefaultFileRegion {
    public SegmentRegion(LogReadResult.FileRange range) {
        super(range.channel(), range.position(), range.length());
    }

    @Override
    protected void deallocate() {
        // The segment owns the channel.
    }
}
