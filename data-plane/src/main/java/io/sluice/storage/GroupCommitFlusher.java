package io.sluice.storage;

import java.io.IOException;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The single thread that fsyncs logs under {@code log.flush.policy=always}. An append enqueues its
 * log (once: a log already queued is not queued again) and wakes the thread; the thread flushes
 * queued logs one by one. Each {@link PartitionLog#flush()} covers everything appended to that log
 * before it started, so while one fsync runs, the appends arriving meanwhile gather behind it and
 * share the next one: group commit without any timer or batching delay.
 *
 * <p>Thread-safety: {@link #requestFlush} is called by any number of appending threads and never
 * blocks; everything else runs on the flusher thread.
 */
final class GroupCommitFlusher implements FlushRequester, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(GroupCommitFlusher.class);

    private final Queue<PartitionLog> queue = new ConcurrentLinkedQueue<>();
    private final Set<PartitionLog> queued = ConcurrentHashMap.newKeySet();
    private final Thread thread;
    private volatile boolean running = true;

    GroupCommitFlusher(String name) {
        this.thread = new Thread(this::run, name);
        this.thread.setDaemon(true);
        this.thread.start();
    }

    @Override
    public void requestFlush(PartitionLog log) {
        if (queued.add(log)) {
            queue.add(log);
            LockSupport.unpark(thread);
        }
    }

    private void run() {
        while (running) {
            PartitionLog log = queue.poll();
            if (log == null) {
                LockSupport.park(this);
                continue;
            }
            // Unmark before flushing: an append during this fsync must queue the log again.
            queued.remove(log);
            try {
                log.flush();
            } catch (IOException | RuntimeException e) {
                if (!log.isClosed()) {
                    // The durable end offset does not advance, so nothing unflushed gets acknowledged.
                    LOG.error("{}: fsync failed; appends since the last flush are not durable", log.topicPartition(), e);
                }
            }
        }
    }

    @Override
    public void close() throws InterruptedException {
        running = false;
        LockSupport.unpark(thread);
        thread.join();
    }
}
