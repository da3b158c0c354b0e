package io.sluice.client.producer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;

import io.sluice.protocol.MockTime;
import java.nio.ByteBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(10)
class BufferPoolTest {
    private final MockTime time = new MockTime();

    @Test
    void aBufferOfBatchSizeIsReusedClearedAndOthersAreNot() {
        BufferPool pool = new BufferPool(1024, 256, time);
        ByteBuffer first = pool.buffer(256);
        first.position(100);
        pool.recycle(first);
        ByteBuffer again = pool.buffer(256);
        assertSame(first, again, "the recycled buffer is handed out again");
        assertEquals(0, again.position());
        assertEquals(256, again.limit());
        assertNotSame(again, pool.buffer(256), "a buffer in use is not handed out twice");

        ByteBuffer large = pool.buffer(600); // a record larger than batch.size gets its own buffer
        pool.recycle(large);
        assertNotSame(large, pool.buffer(600));
    }

    @Test
    void keepsNoMoreBuffersThanTheBudgetHolds() {
        BufferPool pool = new BufferPool(512, 256, time);
        ByteBuffer a = ByteBuffer.allocate(256);
        ByteBuffer b = ByteBuffer.allocate(256);
        ByteBuffer c = ByteBuffer.allocate(256);
        pool.recycle(a);
        pool.recycle(b);
        pool.recycle(c); // dropped: two are all 512 bytes allow
        ByteBuffer x = pool.buffer(256);
        ByteBuffer y = pool.buffer(256);
        ByteBuffer z = pool.buffer(256);
        assertSame(b, x);
        assertSame(a, y);
        assertNotSame(c, z);
    }

    @Test
    void anAccountingOnlyPoolNeverRecycles() {
        BufferPool pool = new BufferPool(1024, time);
        ByteBuffer b = pool.buffer(256);
        pool.recycle(b);
        assertNotSame(b, pool.buffer(256));
    }
}
