package io.sluice.storage;

import io.sluice.protocol.ErrorCode;
import io.sluice.protocol.record.RecordBatch;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Per producer id, the epoch and the last {@value #RETAINED_BATCHES} batches (sequence range and
 * offsets) written to this partition: enough to refuse a gap in sequences and to recognise a
 * retried batch, for which the original offsets are returned instead of writing it twice (a
 * producer keeps at most five batches in flight per partition, as in Kafka).
 *
 * <p>The state is derived from batch headers only, so it is rebuilt by scanning the log on open and
 * after a truncation. A producer not known to this partition (new, or its batches were truncated)
 * may start at any sequence.
 *
 * <p>Thread-safety: none; the owning log calls it under its append lock.
 */
final class ProducerStateManager {
    static final int RETAINED_BATCHES = 5;

    /** A batch written by a producer: its sequence range and where it landed. */
    record BatchMetadata(int firstSeq, int lastSeq, long firstOffset, long lastOffset, long maxTimestamp) {
    }

    private static final class ProducerEntry {
        short epoch;
        final ArrayDeque<BatchMetadata> batches = new ArrayDeque<>(RETAINED_BATCHES);

        int lastSeq() {
            return batches.isEmpty() ? RecordBatch.NO_SEQUENCE : batches.peekLast().lastSeq();
        }
    }

    private final Map<Long, ProducerEntry> producers = new HashMap<>();

    /** Sequence arithmetic wraps from {@link Integer#MAX_VALUE} to 0. */
    static int addToSequence(int sequence, int increment) {
        long sum = (long) sequence + increment;
        return (int) (sum > Integer.MAX_VALUE ? sum - Integer.MAX_VALUE - 1 : sum);
    }

    /**
     * Checks the batches of one append in order, remembering the earlier ones of the same request,
     * so that a request holding several batches of one producer is judged as a sequence.
     */
    final class Check {
        private final Map<Long, long[]> inRequest = new HashMap<>(2); // pid -> {epoch, lastSeq}

        /**
         * Returns the metadata of the original if this batch was already written, null if it is
         * new and in order; throws if it is out of order or from a fenced epoch.
         */
        BatchMetadata verify(RecordBatch batch) throws InvalidBatchException {
            long pid = batch.producerId();
            short epoch = batch.producerEpoch();
            int firstSeq = batch.baseSequence();
            int lastSeq = batch.lastSequence();
            long[] earlier = inRequest.get(pid);
            ProducerEntry entry = producers.get(pid);
            BatchMetadata duplicate = null;
            if (earlier != null) {
                checkNext(pid, (short) earlier[0], (int) earlier[1], epoch, firstSeq);
            } else if (entry != null && !entry.batches.isEmpty()) {
                if (epoch == entry.epoch) {
                    duplicate = findDuplicate(entry, firstSeq, lastSeq);
                }
                if (duplicate == null) {
                    checkNext(pid, entry.epoch, entry.lastSeq(), epoch, firstSeq);
                }
            }
            inRequest.put(pid, new long[] {epoch, lastSeq});
            return duplicate;
        }
    }

    Check newCheck() {
        return new Check();
    }

    /**
     * Checks the idempotent batches of one append. Returns the original of a single retried batch
     * (to answer with its offsets instead of writing it again), null if all are new and in order.
     */
    BatchMetadata checkAppend(List<RecordBatch> batches) throws InvalidBatchException {
        Check check = newCheck();
        for (RecordBatch b : batches) {
            if (!b.hasProducerId()) {
                continue;
            }
            BatchMetadata duplicate = check.verify(b);
            if (duplicate != null) {
                if (batches.size() == 1) {
                    return duplicate;
                }
                throw new InvalidBatchException(ErrorCode.DUPLICATE_SEQUENCE_NUMBER, "batch of producer "
                        + b.producerId() + " with sequences " + b.baseSequence() + ".." + b.lastSequence()
                        + " was already written at offset " + duplicate.firstOffset());
            }
        }
        return null;
    }

    private static BatchMetadata findDuplicate(ProducerEntry entry, int firstSeq, int lastSeq) {
        for (BatchMetadata b : entry.batches) {
            if (b.firstSeq() == firstSeq && b.lastSeq() == lastSeq) {
                return b;
            }
        }
        return null;
    }

    private static void checkNext(long pid, short currentEpoch, int lastSeq, short epoch, int firstSeq)
            throws InvalidBatchException {
        if (epoch < currentEpoch) {
            throw new InvalidBatchException(ErrorCode.INVALID_PRODUCER_EPOCH, "producer " + pid + " epoch "
                    + epoch + " is older than the current epoch " + currentEpoch);
        }
        if (epoch > currentEpoch) {
            if (firstSeq != 0) {
                throw new InvalidBatchException(ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER, "producer " + pid
                        + " starts epoch " + epoch + " at sequence " + firstSeq + " instead of 0");
            }
            return;
        }
        int expected = addToSequence(lastSeq, 1);
        if (firstSeq != expected) {
            throw new InvalidBatchException(ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER, "producer " + pid
                    + " epoch " + epoch + " sent sequence " + firstSeq + " but " + expected + " was expected");
        }
    }

    /** Records a written batch (with its final offsets). */
    void update(long pid, short epoch, int firstSeq, int lastSeq, long firstOffset, long lastOffset, long maxTimestamp) {
        if (pid == RecordBatch.NO_PRODUCER_ID) {
            return;
        }
        ProducerEntry entry = producers.computeIfAbsent(pid, k -> new ProducerEntry());
        if (epoch != entry.epoch) {
            entry.batches.clear();
            entry.epoch = epoch;
        }
        if (entry.batches.size() == RETAINED_BATCHES) {
            entry.batches.removeFirst();
        }
        entry.batches.addLast(new BatchMetadata(firstSeq, lastSeq, firstOffset, lastOffset, maxTimestamp));
    }

    void update(RecordBatch batch) {
        update(batch.producerId(), batch.producerEpoch(), batch.baseSequence(), batch.lastSequence(),
                batch.baseOffset(), batch.lastOffset(), batch.maxTimestamp());
    }

    void update(BatchHeader h) {
        update(h.producerId(), h.producerEpoch(), h.baseSequence(), h.lastSequence(), h.baseOffset(),
                h.lastOffset(), h.maxTimestamp());
    }

    /** A copy of every producer's state, in no particular order. */
    List<ActiveProducer> snapshot() {
        List<ActiveProducer> out = new java.util.ArrayList<>(producers.size());
        for (Map.Entry<Long, ProducerEntry> e : producers.entrySet()) {
            BatchMetadata last = e.getValue().batches.peekLast();
            out.add(new ActiveProducer(e.getKey(), e.getValue().epoch, e.getValue().lastSeq(),
                    last == null ? RecordBatch.NO_TIMESTAMP : last.maxTimestamp()));
        }
        return out;
    }

    /** The last offset of every producer's last batch: batches the cleaner keeps even when emptied. */
    java.util.Set<Long> lastBatchEndOffsets() {
        java.util.Set<Long> out = new java.util.HashSet<>();
        for (ProducerEntry e : producers.values()) {
            if (!e.batches.isEmpty()) {
                out.add(e.batches.peekLast().lastOffset());
            }
        }
        return out;
    }

    void clear() {
        producers.clear();
    }

    int producerCount() {
        return producers.size();
    }
}
