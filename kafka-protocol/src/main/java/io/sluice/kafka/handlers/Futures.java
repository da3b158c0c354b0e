package io.sluice.kafka.handlers;

import java.util.List;
import java.util.concurrent.CompletableFuture;

/** Waiting for the per-item futures of a request that names many topics or resources. */
public final class Futures {
    private Futures() {
    }

    /** The results in order, once all are done (each future is expected to complete normally). */
    public static <T> CompletableFuture<List<T>> all(List<CompletableFuture<T>> futures) {
        return CompletableFuture.allOf(futures.toArray(new CompletableFuture<?>[0]))
                .thenApply(v -> futures.stream().map(CompletableFuture::join).toList());
    }
}
