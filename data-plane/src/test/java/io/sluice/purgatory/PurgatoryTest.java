package io.sluice.purgatory;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sluice.replication.ManualTimer;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The purgatory's rules on a manual timer: complete now if possible, else watch under every key until
 * a key's change lets it complete or its timeout strikes; completing unwatches it everywhere and
 * cancels its timeout; the response is built exactly once.
 */
@Timeout(10)
class PurgatoryTest {
    private final ManualTimer timer = new ManualTimer();
    private final Purgatory<String> purgatory = new Purgatory<>(timer);

    /** An operation whose condition the test sets; counts its completions. */
    private static class Op extends DelayedOperation<String> {
        volatile boolean ready;
        final AtomicInteger completions = new AtomicInteger();
        final AtomicInteger checks = new AtomicInteger();
        volatile boolean expiredAtCompletion;

        Op(String... keys) {
            super(List.of(keys));
        }

        @Override
        protected boolean canComplete() {
            checks.incrementAndGet();
            return ready;
        }

        @Override
        protected void onComplete() {
            expiredAtCompletion = isExpired();
            completions.incrementAndGet();
        }
    }

    @Test
    void anOperationThatCanCompleteIsNeitherWatchedNorTimed() {
        Op op = new Op("a");
        op.ready = true;
        purgatory.tryCompleteElseWatch(op, 1000);
        assertEquals(1, op.completions.get());
        assertEquals(0, purgatory.watched());
        assertEquals(0, timer.pending());
    }

    @Test
    void aWatchedOperationCompletesWhenAnyOfItsKeysChangesAndLeavesEveryList() {
        Op op = new Op("a", "b");
        purgatory.tryCompleteElseWatch(op, 1000);
        assertEquals(1, purgatory.watched("a"));
        assertEquals(1, purgatory.watched("b"));
        assertEquals(1, timer.pending());

        assertEquals(0, purgatory.checkAndComplete("b"), "the condition does not hold yet");
        assertEquals(0, purgatory.checkAndComplete("unrelated"));
        op.ready = true;
        assertEquals(1, purgatory.checkAndComplete("b"));
        assertEquals(1, op.completions.get());
        assertFalse(op.expiredAtCompletion);
        assertEquals(0, purgatory.watched("a"), "unwatched under its other key too");
        assertEquals(0, timer.pending(), "its timeout is cancelled");
        assertEquals(0, purgatory.checkAndComplete("a"));
        assertEquals(1, op.completions.get(), "completed once");
    }

    @Test
    void theTimeoutCompletesItExpiredAtItsDeadlineAndNotBefore() throws Exception {
        Op op = new Op("a");
        purgatory.tryCompleteElseWatch(op, 500);
        timer.advance(499);
        assertFalse(op.isCompleted());
        timer.advance(1);
        assertEquals(1, op.completions.get());
        assertTrue(op.expiredAtCompletion);
        assertEquals(0, purgatory.watched());
        op.ready = true;
        assertEquals(0, purgatory.checkAndComplete("a"));
        assertEquals(1, op.completions.get());
    }

    @Test
    void aNegativeTimeoutExpiresAtOnce() throws Exception {
        Op op = new Op("a");
        purgatory.tryCompleteElseWatch(op, -5);
        timer.advance(0);
        assertTrue(op.expiredAtCompletion);
    }

    @Test
    void aKeyThatChangedWhileTheOperationWasBeingWatchedIsNotMissed() {
        Op op = new Op("a") {
            @Override
            protected boolean canComplete() {
                // false on the first check, true on the one after the watch: the change fell between.
                return checks.incrementAndGet() > 1;
            }
        };
        purgatory.tryCompleteElseWatch(op, 1000);
        assertEquals(1, op.completions.get());
        assertEquals(0, purgatory.watched());
        assertEquals(0, timer.pending(), "no timeout left behind");
    }

    @Test
    void completeAllAnswersEverythingOnTheKeyAtOnce() {
        Op a1 = new Op("a");
        Op a2 = new Op("a", "b");
        Op b = new Op("b");
        purgatory.tryCompleteElseWatch(a1, 1000);
        purgatory.tryCompleteElseWatch(a2, 1000);
        purgatory.tryCompleteElseWatch(b, 1000);
        purgatory.completeAll("a");
        assertEquals(1, a1.completions.get());
        assertEquals(1, a2.completions.get());
        assertFalse(a1.expiredAtCompletion);
        assertEquals(0, b.completions.get());
        assertEquals(1, purgatory.watched(), "only b is left, under b");
        assertEquals(1, purgatory.watched("b"));
        assertEquals(1, timer.pending());
        assertFalse(a1.forceComplete(), "already completed");
    }

    @Test
    void closingCompletesWhatStillWaits() {
        Op op = new Op("a");
        purgatory.tryCompleteElseWatch(op, 1000);
        purgatory.close();
        assertEquals(1, op.completions.get());
        assertTrue(op.expiredAtCompletion);
    }

    @Test
    void anOperationAlreadyCompletedIsNotWatched() {
        Op op = new Op("a");
        op.forceComplete();
        purgatory.tryCompleteElseWatch(op, 1000);
        assertEquals(1, op.completions.get());
        assertEquals(0, purgatory.watched());
        assertEquals(0, op.checks.get(), "its condition is not even asked");
        assertEquals(0, timer.pending(), "nor is a timeout set");
    }

    /** A timer may fire before the purgatory has recorded the timeout (a zero delay on a busy wheel). */
    @Test
    void aTimeoutThatFiresAtOnceLeavesNothingWatched() {
        io.netty.util.Timer immediate = new io.netty.util.Timer() {
            @Override
            public io.netty.util.Timeout newTimeout(io.netty.util.TimerTask task, long delay,
                                                    java.util.concurrent.TimeUnit unit) {
                io.netty.util.Timeout[] self = new io.netty.util.Timeout[1];
                self[0] = timer.newTimeout(task, 0, unit); // a handle, never run by the manual timer
                try {
                    task.run(self[0]);
                } catch (Exception e) {
                    throw new AssertionError(e);
                }
                return self[0];
            }

            @Override
            public java.util.Set<io.netty.util.Timeout> stop() {
                return java.util.Set.of();
            }
        };
        Purgatory<String> eager = new Purgatory<>(immediate);
        Op op = new Op("a", "b");
        eager.tryCompleteElseWatch(op, 0);
        assertEquals(1, op.completions.get());
        assertTrue(op.expiredAtCompletion);
        assertEquals(0, eager.watched(), "unwatched under both keys");
    }
}
