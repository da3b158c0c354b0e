package io.sluice.client;

import java.util.concurrent.atomic.AtomicLong;

/** A clock that moves only when a test says so. Thread-safe. */
public final class FakeTime implements Time {
    private final AtomicLong nanos = new AtomicLong(1_000_000_000L);

    @Override
    public long milliseconds() {
        return 1_700_000_000_000L + nanos.get() / 1_000_000L;
    }

    @Override
    public long nanoseconds() {
        return nanos.get();
    }

    public void sleep(long ms) {
        nanos.addAndGet(ms * 1_000_000L);
    }
}
