package io.sluice.purgatory;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.util.Timeout;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout.ThreadMode;

/**
 * The purgatories' timer: a timeout runs once when due, and is marked expired; a cancelled one never
 * runs; one failing task does not stop the others; stopping hands back exactly the timeouts that had
 * neither run nor been cancelled, and refuses new ones. No assertion on time: the tests await runs.
 */
@org.junit.jupiter.api.Timeout(value = 10, threadMode = ThreadMode.SEPARATE_THREAD)
class DeadlineTimerTest {
    private final DeadlineTimer timer = new DeadlineTimer("test-timer");

    @AfterEach
    void stop() {
        timer.stop();
    }

    @Test
    void aDueTimeoutRunsOnceAndIsExpired() {
        AtomicInteger runs = new AtomicInteger();
        Timeout t = timer.newTimeout(x -> runs.incrementAndGet(), 1, TimeUnit.MILLISECONDS);
        await().atMost(Duration.ofSeconds(5)).until(() -> runs.get() == 1);
        assertTrue(t.isExpired());
        assertFalse(t.isCancelled());
        assertFalse(t.cancel(), "a timeout that ran cannot be cancelled");
        assertEquals(1, runs.get());
    }

    @Test
    void aCancelledTimeoutNeverRunsWhileLaterOnesDo() throws Exception {
        AtomicInteger cancelledRuns = new AtomicInteger();
        CountDownLatch later = new CountDownLatch(1);
        Timeout cancelled = timer.newTimeout(x -> cancelledRuns.incrementAndGet(), 20, TimeUnit.MILLISECONDS);
        assertTrue(cancelled.cancel());
        assertTrue(cancelled.isCancelled());
        assertFalse(cancelled.cancel(), "cancelling twice reports false the second time");
        timer.newTimeout(x -> later.countDown(), 40, TimeUnit.MILLISECONDS);
        assertTrue(later.await(5, TimeUnit.SECONDS));
        assertEquals(0, cancelledRuns.get());
        assertFalse(cancelled.isExpired());
    }

    @Test
    void aFailingTaskDoesNotStopTheTimer() throws Exception {
        Thread.UncaughtExceptionHandler quiet = (th, e) -> { };
        Timeout failing = timer.newTimeout(x -> {
            Thread.currentThread().setUncaughtExceptionHandler(quiet);
            throw new IllegalStateException("boom");
        }, 1, TimeUnit.MILLISECONDS);
        CountDownLatch next = new CountDownLatch(1);
        await().atMost(Duration.ofSeconds(5)).until(failing::isExpired);
        timer.newTimeout(x -> next.countDown(), 1, TimeUnit.MILLISECONDS);
        assertTrue(next.await(5, TimeUnit.SECONDS));
    }

    @Test
    void stopHandsBackWhatHadNotRunAndRefusesNewTimeouts() {
        AtomicInteger runs = new AtomicInteger();
        Timeout ran = timer.newTimeout(x -> runs.incrementAndGet(), 1, TimeUnit.MILLISECONDS);
        await().atMost(Duration.ofSeconds(5)).until(() -> runs.get() == 1);
        Timeout cancelled = timer.newTimeout(x -> runs.incrementAndGet(), 1, TimeUnit.HOURS);
        cancelled.cancel();
        Timeout waiting = timer.newTimeout(x -> runs.incrementAndGet(), 1, TimeUnit.HOURS);

        Set<Timeout> pending = timer.stop();

        assertEquals(Set.of(waiting), pending);
        assertFalse(pending.contains(ran));
        assertThrows(IllegalStateException.class, () -> timer.newTimeout(x -> { }, 1, TimeUnit.MILLISECONDS));
    }
}
