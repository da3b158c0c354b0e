package io.sluice.client.producer;

/**
 * Told once when a sent record is acknowledged or has finally failed. Runs on the producer's sender
 * thread: keep it short and never block in it, or every other send waits.
 */
@FunctionalInterface
public interface Callback {
    /**
     * @param metadata where the record went, or null if it failed
     * @param exception why it failed, or null on success
     */
    void onCompletion(RecordMetadata metadata, Exception exception);
}
