package io.sluice.tools.quorum;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sluice.protocol.rpc.DescribeQuorumResponse;
import io.sluice.protocol.rpc.ReplicaState;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(5)
class MetadataQuorumCommandTest {
    private static final long NOW = 1_000_000;

    private static DescribeQuorumResponse quorum() {
        return DescribeQuorumResponse.newBuilder()
                .setClusterId("c-1").setLeaderId(2).setLeaderEpoch(5).setHighWatermark(120)
                .addCurrentVoters(ReplicaState.newBuilder().setReplicaId(1).setLogEndOffset(117)
                        .setLastFetchTimestamp(NOW - 40).setLastCaughtUpTimestamp(NOW - 300))
                .addCurrentVoters(ReplicaState.newBuilder().setReplicaId(2).setLogEndOffset(120)
                        .setLastFetchTimestamp(NOW).setLastCaughtUpTimestamp(NOW))
                .addCurrentVoters(ReplicaState.newBuilder().setReplicaId(3).setLogEndOffset(120)
                        .setLastFetchTimestamp(NOW - 10).setLastCaughtUpTimestamp(NOW - 10))
                .build();
    }

    private static String capture(java.util.function.Consumer<PrintStream> print) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        print.accept(new PrintStream(bytes, true, StandardCharsets.UTF_8));
        return bytes.toString(StandardCharsets.UTF_8);
    }

    @Test
    void statusPrintsKafkasFields() {
        String out = capture(o -> MetadataQuorumCommand.printStatus(quorum(), NOW, o));
        assertEquals("""
                ClusterId:              c-1
                LeaderId:               2
                LeaderEpoch:            5
                HighWatermark:          120
                MaxFollowerLag:         3
                MaxFollowerLagTimeMs:   300
                CurrentVoters:          [1,2,3]
                CurrentObservers:       []
                """, out);
    }

    @Test
    void replicationPrintsOneRowPerVoterWithItsRole() {
        String[] lines = capture(o -> MetadataQuorumCommand.printReplication(quorum(), NOW, false, o)).split("\n");
        assertEquals(4, lines.length);
        assertTrue(lines[0].startsWith("NodeId"));
        assertTrue(lines[1].matches("1\\s+117\\s+3\\s+999960\\s+999700\\s+Follower"), lines[1]);
        assertTrue(lines[2].matches("2\\s+120\\s+0\\s+1000000\\s+1000000\\s+Leader"), lines[2]);
    }
}
