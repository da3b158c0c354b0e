package io.sluice.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.sluice.protocol.ErrorCode;
import io.sluice.protocol.record.RecordBatch;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The idempotent producer's rules on one partition, as Kafka's ProducerStateManager: sequences follow
 * on without a gap (wrapping at Integer.MAX_VALUE), an older epoch is fenced and a new one starts at
 * 0, a retry of one of the last five batches gets the original offsets back, and the batches of one
 * request are judged as a sequence.
 */
@Timeout(10)
class ProducerStateManagerTest {
    private static final long PID = 7;
    private final ProducerStateManager state = new ProducerStateManager();

    private static RecordBatch batch(long pid, int epoch, int seq, int records) {
        return RecordBatch.wrap(Batches.idempotent(pid, (short) epoch, seq, records), 0);
    }

    /** Records a written batch of {@code records} sequences from {@code seq} at offsets from {@code offset}. */
    private void written(int epoch, int seq, int records, long offset) {
        state.update(PID, (short) epoch, seq, ProducerStateManager.addToSequence(seq, records - 1), offset,
                offset + records - 1, 1000 + offset);
    }

    private ErrorCode refusal(RecordBatch... batches) {
        return assertThrows(InvalidBatchException.class, () -> state.checkAppend(List.of(batches))).error();
    }

    @Test
    void sequencesWrapFromIntegerMaxValueToZero() {
        assertEquals(Integer.MAX_VALUE, ProducerStateManager.addToSequence(Integer.MAX_VALUE - 1, 1));
        assertEquals(0, ProducerStateManager.addToSequence(Integer.MAX_VALUE, 1));
        assertEquals(4, ProducerStateManager.addToSequence(Integer.MAX_VALUE - 1, 6));
        written(0, Integer.MAX_VALUE - 1, 2, 0);
        assertNull(assertNoRefusal(batch(PID, 0, 0, 1)), "after MAX_VALUE comes 0");
        assertEquals(ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER, refusal(batch(PID, 0, 1, 1)));
    }

    private ProducerStateManager.BatchMetadata assertNoRefusal(RecordBatch... batches) {
        try {
            return state.checkAppend(List.of(batches));
        } catch (InvalidBatchException e) {
            throw new AssertionError("refused: " + e.getMessage(), e);
        }
    }

    @Test
    void anUnknownProducerStartsAnywhereAndAKnownOneContinuesWithoutAGap() {
        assertNull(assertNoRefusal(batch(PID, 0, 42, 3)), "new, or its batches were truncated");
        written(0, 42, 3, 10);
        assertNull(assertNoRefusal(batch(PID, 0, 45, 1)));
        assertEquals(ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER, refusal(batch(PID, 0, 46, 1)), "a gap");
        assertEquals(ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER, refusal(batch(PID, 0, 44, 1)), "an overlap");
        assertNull(assertNoRefusal(batch(PID + 1, 0, 5, 1)), "producers are independent");
    }

    @Test
    void anOlderEpochIsFencedAndANewerOneMustStartAtZero() {
        written(3, 0, 5, 0);
        assertEquals(ErrorCode.INVALID_PRODUCER_EPOCH, refusal(batch(PID, 2, 5, 1)));
        assertEquals(ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER, refusal(batch(PID, 4, 5, 1)));
        assertNull(assertNoRefusal(batch(PID, 4, 0, 1)));
        written(4, 0, 1, 5);
        assertEquals(ErrorCode.INVALID_PRODUCER_EPOCH, refusal(batch(PID, 3, 5, 1)), "epoch 4 fenced epoch 3");
        assertNull(assertNoRefusal(batch(PID, 4, 1, 1)));
    }

    @Test
    void aRetryOfOneOfTheLastFiveBatchesGetsTheOriginalOffsets() {
        for (int i = 0; i < 6; i++) {
            written(0, i * 2, 2, 100 + i * 2);
        }
        ProducerStateManager.BatchMetadata original = assertNoRefusal(batch(PID, 0, 2, 2));
        assertEquals(new ProducerStateManager.BatchMetadata(2, 3, 102, 103, 1102), original,
                "the oldest of the five kept");
        assertEquals(110, assertNoRefusal(batch(PID, 0, 10, 2)).firstOffset(), "the newest");
        assertEquals(ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER, refusal(batch(PID, 0, 0, 2)),
                "the sixth batch back is forgotten: as Kafka, out of order");
        assertEquals(ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER, refusal(batch(PID, 0, 2, 1)),
                "a different range is no retry");
    }

    @Test
    void aRetryIsRecognisedOnlyInTheSameEpochAndOnlyAsTheWholeRequest() {
        written(0, 0, 1, 0);
        written(0, 1, 1, 1);
        assertNull(assertNoRefusal(batch(PID, 1, 0, 1)), "sequence 0 of a new epoch is a new batch");
        assertEquals(ErrorCode.DUPLICATE_SEQUENCE_NUMBER, refusal(batch(PID, 0, 0, 1), batch(PID, 0, 1, 1)),
                "a retried batch among others cannot be answered with one set of offsets");
    }

    @Test
    void theBatchesOfOneRequestAreJudgedAsASequence() {
        assertNull(assertNoRefusal(batch(PID, 0, 0, 2), batch(PID, 0, 2, 1)), "the second follows the first");
        assertEquals(ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER, refusal(batch(PID, 0, 0, 2), batch(PID, 0, 3, 1)));
        assertEquals(ErrorCode.INVALID_PRODUCER_EPOCH, refusal(batch(PID, 1, 0, 1), batch(PID, 0, 1, 1)));
        written(0, 0, 2, 0);
        assertEquals(ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER, refusal(batch(PID, 0, 2, 1), batch(PID, 0, 2, 1)),
                "the same batch twice in one request");
        assertNull(assertNoRefusal(RecordBatch.wrap(Batches.values(1000, "plain"), 0), batch(PID, 0, 2, 1)),
                "a batch without a producer id is not checked");
    }

    @Test
    void aNewEpochForgetsTheOldEpochsBatches() {
        written(0, 0, 1, 0);
        written(1, 0, 1, 1);
        assertEquals(1, assertNoRefusal(batch(PID, 1, 0, 1)).firstOffset(), "the new epoch's batch 0");
        assertEquals(List.of(new ActiveProducer(PID, (short) 1, 0, 1001)), state.snapshot());
    }

    @Test
    void theStateNamesEachProducersEpochLastSequenceAndLastBatch() {
        state.update(RecordBatch.NO_PRODUCER_ID, (short) 0, 0, 0, 0, 0, 0);
        assertEquals(0, state.producerCount(), "batches without a producer id leave no state");
        written(2, 0, 3, 10);
        written(2, 3, 2, 13);
        state.update(PID + 1, (short) 0, 0, 0, 20, 20, 5);
        assertEquals(Set.of(new ActiveProducer(PID, (short) 2, 4, 1013), new ActiveProducer(PID + 1, (short) 0, 0, 5)),
                Set.copyOf(state.snapshot()));
        assertEquals(Set.of(14L, 20L), state.lastBatchEndOffsets());
        assertEquals(2, state.producerCount());
        state.clear();
        assertEquals(0, state.producerCount());
        assertEquals(Set.of(), state.lastBatchEndOffsets());
    }
}
