package io.sluice.metadata.raft;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;

/**
 * Futures waiting for the applied index to reach a value (linearizable reads wait here for the read
 * index). Thread-safe: awaited from any thread, completed from the apply thread; futures complete
 * outside the lock.
 */
final class AppliedIndexWaiters {

    private final TreeMap<Long, List<CompletableFuture<Void>>> waiting = new TreeMap<>();
    private long applied;

    CompletableFuture<Void> await(long index, long currentlyApplied) {
        synchronized (this) {
            applied = Math.max(applied, currentlyApplied);
            if (index > applied) {
                CompletableFuture<Void> future = new CompletableFuture<>();
                waiting.computeIfAbsent(index, i -> new ArrayList<>()).add(future);
                return future;
            }
        }
        return CompletableFuture.completedFuture(null);
    }

    void completeUpTo(long index) {
        List<CompletableFuture<Void>> done = new ArrayList<>();
        synchronized (this) {
            applied = Math.max(applied, index);
            Map<Long, List<CompletableFuture<Void>>> ready = waiting.headMap(applied, true);
            ready.values().forEach(done::addAll);
            ready.clear();
        }
        done.forEach(f -> f.complete(null));
    }

    void failAll(Throwable cause) {
        List<CompletableFuture<Void>> failed = new ArrayList<>();
        synchronized (this) {
            waiting.values().forEach(failed::addAll);
            waiting.clear();
        }
        failed.forEach(f -> f.completeExceptionally(cause));
    }
}
