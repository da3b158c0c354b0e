package io.sluice.storage;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.function.LongConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The threads that fsync logs under {@code log.flush.policy=always}. An append enqueues its log
 * (once: a log already queued is not queued again) and returns; a flusher thread takes the log and
 * calls {@link PartitionLog#flush()}, which covers everything appended to it before the fsync
 * started. While one fsync runs, the appends arriving meanwhile gather behind it and share the
 * next one: group commit without a timer or a batching delay. Several threads fsync different
 * logs in parallel (the file system merges concurrent fsyncs into one journal commit); one log is
 * never flushed by two threads at once because it is queued at most once and its flush is
 * serialized by the log itself.
 *
 * <p>Thread-safety: {@link #requestFlush} is called by any number of appending threads and never
 * blocks; everything else runs on the flusher threads.
 */
final class GroupCommitFlusher implements FlushRequester, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(GroupCommitFlusher.class);

    private final BlockingQueue<PartitionLog> queue = new LinkedBlockingQueue<>();
    private final Set<PartitionLog> queued = ConcurrentHashMap.newKeySet();
    private final List<Thread> threads = new ArrayList<>();
    private volatile boolean running = true;
    /** Told each fsync's duration in nanoseconds (the node's metrics); set once at start. */
    private volatile LongConsumer flushTimes = nanos -> { };

    GroupCommitFlusher(String name, int threadCount) {
        for (int i = 0; i < threadCount; i++) {
            Thread t = new Thread(this::run, name + "-" + i);
            t.setDaemon(true);
            t.start();
            threads.add(t);
        }
    }

    void observeFlushTimes(LongConsumer observer) {
        this.flushTimes = observer;
    }

    @Override
    public void requestFlush(PartitionLog log) {
        if (queued.add(log)) {
            queue.add(log);
        }
    }

    private void run() {
        while (running) {
            PartitionLog log;
            try {
                log = queue.take();
            } catch (InterruptedException e) {
                return; // closing
            }
            // Unmark before flushing: an append during this fsync must queue the log again.
            queued.remove(log);
            try {
                long start = System.nanoTime();
                log.flush();
                flushTimes.accept(System.nanoTime() - start);
            } catch (IOException | RuntimeException e) {
                if (!log.isClosed()) {
                    // The durable end offset does not advance, so nothing unflushed gets acknowledged.
                    LOG.error("{}: fsync failed; appends since the last flush are not durable", log.topicPartition(), e);
                }
            }
        }
    }

    /** Stops the threads after the flush each may be running; queued logs are not flushed. */
    @Override
    public void close() {
        running = false;
        for (Thread t : threads) {
            t.interrupt();
        }
        try {
            for (Thread t : threads) {
                t.join();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
