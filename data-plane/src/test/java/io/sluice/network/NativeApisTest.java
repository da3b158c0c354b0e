package io.sluice.network;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.sluice.protocol.rpc.ApiKey;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 10, unit = TimeUnit.SECONDS)
class NativeApisTest {
    private static final RequestHandler FIRST = (ctx, frame) -> CompletableFuture.completedFuture(null);
    private static final RequestHandler SECOND = (ctx, frame) -> CompletableFuture.completedFuture(null);

    @Test
    void aKeyAddedTwiceIsRefusedAndKeepsItsFirstHandler() {
        NativeApis apis = new NativeApis().add(ApiKey.PRODUCE, FIRST);
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> apis.add(ApiKey.PRODUCE, SECOND));
        assertEquals("PRODUCE has a handler already", e.getMessage());
        assertSame(FIRST, apis.handlers().get(ApiKey.PRODUCE));
        assertEquals(1, apis.handlers().size());
    }

    @Test
    void theTableIsReadOnlyOutside() {
        NativeApis apis = new NativeApis().add(ApiKey.FETCH, FIRST);
        assertThrows(UnsupportedOperationException.class, () -> apis.handlers().put(ApiKey.PRODUCE, SECOND));
    }
}
