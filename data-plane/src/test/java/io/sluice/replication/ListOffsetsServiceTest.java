package io.sluice.replication;

import static io.sluice.replication.ReplicaHarness.TP;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.sluice.protocol.ErrorCode;
import io.sluice.protocol.record.CompressionType;
import io.sluice.protocol.record.RecordBatchBuilder;
import io.sluice.replication.FetchService.FetchParams;
import io.sluice.replication.FetchService.PartitionFetch;
import io.sluice.replication.ListOffsetsService.Result;
import io.sluice.replication.ProduceService.PartitionRecords;
import io.sluice.protocol.TopicPartition;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * ListOffsets and OffsetForLeaderEpoch on broker 1, leader of partition 0 on 1, 2 and 3: the special
 * timestamps, lookups by time and max timestamp only among committed records (below the high
 * watermark), replicas seeing the log end, and refusals (not the leader, unknown partition, stale or
 * newer epoch, an invalid timestamp).
 */
@Timeout(30)
class ListOffsetsServiceTest {
    private static final int EPOCH = 2;
    @TempDir
    Path dir;
    private ReplicaHarness h;
    private ListOffsetsService offsets;

    @BeforeEach
    void start() throws Exception {
        h = new ReplicaHarness(dir, 1);
        h.publish(List.of(1, 2, 3), 1, EPOCH, 0);
        offsets = new ListOffsetsService(h.replicas);
        // Offsets 0-2 at times 100, 300, 200 (committed), offset 3 at time 900 (not yet committed).
        append(100, 300, 200);
        replicateTo(3);
        append(900);
    }

    @AfterEach
    void close() throws Exception {
        h.close();
    }

    private void append(long... timestamps) throws Exception {
        RecordBatchBuilder b = new RecordBatchBuilder(CompressionType.NONE);
        for (long t : timestamps) {
            b.append(t, null, ("at-" + t).getBytes(StandardCharsets.UTF_8));
        }
        var r = h.produce.append(1, 1000, List.of(new PartitionRecords(TP, b.build()))).get(5, TimeUnit.SECONDS).get(0);
        assertEquals(ErrorCode.NONE, r.error(), r.message());
    }

    private void replicateTo(long offset) throws Exception {
        for (int follower = 2; follower <= 3; follower++) {
            h.fetch.fetch(new FetchParams(follower, 0, 1, 1 << 20,
                    List.of(new PartitionFetch(TP, offset, EPOCH, EPOCH, 1 << 20)))).get(5, TimeUnit.SECONDS);
        }
        assertEquals(offset, h.replicas.partition(TP).orElseThrow().highWatermark());
    }

    private Result lookup(long timestamp) {
        return offsets.lookup(TP, timestamp, EPOCH, false);
    }

    @Test
    void theSpecialTimestamps() {
        assertEquals(new Result(TP, ErrorCode.NONE, null, -1, 0, EPOCH), lookup(ListOffsetsService.EARLIEST));
        assertEquals(0, lookup(ListOffsetsService.EARLIEST_LOCAL).offset());
        assertEquals(3, lookup(ListOffsetsService.LATEST).offset(), "a consumer: the high watermark");
        assertEquals(4, offsets.lookup(TP, ListOffsetsService.LATEST, EPOCH, true).offset(), "a replica: the log end");
        assertEquals(new Result(TP, ErrorCode.NONE, null, -1, -1, -1), lookup(ListOffsetsService.LATEST_TIERED));
        assertEquals(ErrorCode.INVALID_REQUEST, lookup(-7).error());
    }

    @Test
    void byTimeAndMaxTimestampOnlyAmongCommittedRecords() throws Exception {
        assertEquals(new Result(TP, ErrorCode.NONE, null, 300, 1, EPOCH), lookup(150), "the first record at least that new");
        assertEquals(0, lookup(100).offset(), "at exactly the time");
        assertEquals(new Result(TP, ErrorCode.NONE, null, -1, -1, EPOCH), lookup(800),
                "only offset 3 is that new, and it is not committed");
        assertEquals(-1, lookup(ListOffsetsService.MAX_TIMESTAMP).offset(), "the newest record is not committed");
        replicateTo(4);
        assertEquals(new Result(TP, ErrorCode.NONE, null, 900, 3, EPOCH), lookup(ListOffsetsService.MAX_TIMESTAMP));
        assertEquals(3, lookup(800).offset());
    }

    @Test
    void endOffsetOfEachEpoch() {
        assertEquals(new Result(TP, ErrorCode.NONE, null, -1, 4, EPOCH), offsets.endOffsetForEpoch(TP, EPOCH, EPOCH),
                "the latest epoch ends at the log end");
        assertEquals(new Result(TP, ErrorCode.NONE, null, -1, 0, 0), offsets.endOffsetForEpoch(TP, EPOCH, 0),
                "older than any epoch here (as Kafka): it ends where the first one starts");
        assertEquals(new Result(TP, ErrorCode.NONE, null, -1, -1, -1), offsets.endOffsetForEpoch(TP, EPOCH, EPOCH + 3),
                "newer than any epoch here");
    }

    @Test
    void refusesWhatThisBrokerCannotAnswer() {
        assertEquals(ErrorCode.FENCED_LEADER_EPOCH, offsets.lookup(TP, ListOffsetsService.LATEST, EPOCH - 1, false).error());
        assertEquals(ErrorCode.UNKNOWN_LEADER_EPOCH, offsets.endOffsetForEpoch(TP, EPOCH + 1, EPOCH).error());
        assertEquals(ErrorCode.NONE, offsets.lookup(TP, ListOffsetsService.LATEST, -1, false).error(), "no epoch given");
        assertEquals(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION,
                offsets.lookup(new TopicPartition("nope", 0), ListOffsetsService.LATEST, -1, false).error());
        h.publish(List.of(2, 3), 2, EPOCH + 1, 1);
        Result moved = offsets.lookup(TP, ListOffsetsService.LATEST, -1, false);
        assertEquals(ErrorCode.NOT_LEADER_OR_FOLLOWER, moved.error());
        assertEquals(-1, moved.offset());
        assertEquals(ErrorCode.NOT_LEADER_OR_FOLLOWER, offsets.endOffsetForEpoch(TP, -1, EPOCH).error());
    }
}
