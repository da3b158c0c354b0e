package io.sluice.client.consumer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sluice.client.FakeNetwork;
import io.sluice.client.Metadata;
import io.sluice.client.TestMetadata;
import io.sluice.protocol.Time;
import io.sluice.protocol.TopicPartition;
import io.sluice.client.consumer.internals.GroupSettings;
import io.sluice.client.consumer.internals.PartitionsView;
import io.sluice.protocol.ErrorCode;
import io.sluice.protocol.SluiceException;
import io.sluice.protocol.rpc.ApiKey;
import io.sluice.protocol.rpc.ConsumerGroupHeartbeatRequest;
import io.sluice.protocol.rpc.ConsumerGroupHeartbeatResponse;
import io.sluice.protocol.rpc.Endpoint;
import io.sluice.protocol.rpc.FindCoordinatorResponse;
import io.sluice.protocol.rpc.OffsetCommitRequest;
import io.sluice.protocol.rpc.OffsetCommitResponse;
import io.sluice.protocol.rpc.OffsetFetchPartition;
import io.sluice.protocol.rpc.OffsetFetchRequest;
import io.sluice.protocol.rpc.OffsetFetchResponse;
import io.sluice.protocol.rpc.PartitionResult;
import io.sluice.protocol.rpc.TopicPartitions;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Reconciliation against a scripted coordinator: partitions start at their committed offsets, a
 * revoked partition is committed before the heartbeat that releases it, a fenced member loses its
 * partitions uncommitted and rejoins owning nothing, and a fatal error reaches poll.
 */
@Timeout(20)
class ConsumerGroupClientTest {
    private static final TopicPartition T0 = new TopicPartition("t", 0);
    private static final TopicPartition T1 = new TopicPartition("t", 1);

    private final FakeNetwork network = new FakeNetwork();
    /** Every group request the coordinator saw, in order, as a line each. */
    private final List<String> log = new CopyOnWriteArrayList<>();
    private volatile List<TopicPartition> assignment = List.of();
    private volatile ErrorCode heartbeatError = ErrorCode.NONE;
    /** False: the coordinator (as a new one would) knows no member until one joins with epoch 0. */
    private volatile boolean memberKnown = true;
    /** How many more offset fetches the coordinator answers with UNSTABLE_OFFSET_COMMIT. */
    private volatile int unsettledFetches;
    private final FakePartitions partitions = new FakePartitions();
    private final List<String> callbacks = new ArrayList<>();
    private ConsumerGroupClient client;

    /** The consumer's partition state: positions in a map. */
    private static final class FakePartitions implements PartitionsView {
        final Map<TopicPartition, Long> positions = new LinkedHashMap<>();

        @Override
        public Set<TopicPartition> assignment() {
            return positions.keySet();
        }

        @Override
        public void assign(Collection<TopicPartition> tps) {
            Map<TopicPartition, Long> next = new LinkedHashMap<>();
            tps.forEach(tp -> next.put(tp, positions.get(tp)));
            positions.clear();
            positions.putAll(next);
        }

        @Override
        public Long position(TopicPartition tp) {
            return positions.get(tp);
        }

        @Override
        public void seek(TopicPartition tp, long offset) {
            positions.put(tp, offset);
        }
    }

    private void start(boolean autoCommit) {
        network.answerMetadataWith(new TestMetadata().brokers(1).topic("t", 1, 1).response());
        // The coordinator is node 2, not the bootstrap node 1 that answers metadata.
        network.autoAnswer(ApiKey.FIND_COORDINATOR, s -> FakeNetwork.frame(FindCoordinatorResponse.newBuilder().setNodeId(2)
                .setEndpoint(Endpoint.newBuilder().setHost("localhost").setPort(9093)).build(), new byte[0]));
        network.autoAnswer(ApiKey.GROUP_HEARTBEAT, s -> {
            ConsumerGroupHeartbeatRequest r = (ConsumerGroupHeartbeatRequest) s.body();
            List<String> owned = new ArrayList<>();
            r.getOwnedPartitionsList().forEach(t -> t.getPartitionsList().forEach(p -> owned.add(t.getTopic() + "-" + p)));
            log.add("heartbeat epoch=" + r.getMemberEpoch() + " owned=" + owned);
            memberKnown |= r.getMemberEpoch() == 0;
            // Until a commit was refused, heartbeats find the coordinator loading, so the refusal happens.
            ErrorCode error = memberKnown ? heartbeatError
                    : log.contains("commit refused: unknown member") ? ErrorCode.UNKNOWN_MEMBER_ID
                    : ErrorCode.COORDINATOR_LOAD_IN_PROGRESS;
            ConsumerGroupHeartbeatResponse.Builder b = ConsumerGroupHeartbeatResponse.newBuilder().setError(error)
                    .setMemberId("m1").setMemberEpoch(3).setHeartbeatIntervalMs(20);
            TopicPartitions.Builder t = TopicPartitions.newBuilder().setTopic("t");
            assignment.forEach(tp -> t.addPartitions(tp.partition()));
            return FakeNetwork.frame(b.addAssignment(t).build(), new byte[0]);
        });
        network.autoAnswer(ApiKey.OFFSET_FETCH, s -> {
            OffsetFetchRequest r = (OffsetFetchRequest) s.body();
            OffsetFetchResponse.Builder b = OffsetFetchResponse.newBuilder();
            log.add("fetch at node " + s.node().id() + (r.getRequireStable() ? " (stable)" : ""));
            if (unsettledFetches > 0) {
                unsettledFetches--;
                return FakeNetwork.frame(b.setError(ErrorCode.UNSTABLE_OFFSET_COMMIT).build(), new byte[0]);
            }
            r.getPartitionsList().forEach(t -> t.getPartitionsList().forEach(p -> b.addPartitions(OffsetFetchPartition
                    .newBuilder().setTopic(t.getTopic()).setPartition(p).setOffset(p == 0 ? 5 : -1))));
            return FakeNetwork.frame(b.build(), new byte[0]);
        });
        network.autoAnswer(ApiKey.OFFSET_COMMIT, s -> {
            OffsetCommitRequest r = (OffsetCommitRequest) s.body();
            OffsetCommitResponse.Builder b = OffsetCommitResponse.newBuilder();
            if (!memberKnown) {
                log.add("commit refused: unknown member");
                return FakeNetwork.frame(b.setError(ErrorCode.UNKNOWN_MEMBER_ID).build(), new byte[0]);
            }
            r.getPartitionsList().forEach(p -> {
                log.add("commit " + p.getTopic() + "-" + p.getPartition() + "@" + p.getOffset() + " epoch=" + r.getMemberEpoch());
                b.addPartitions(PartitionResult.newBuilder().setTopic(p.getTopic()).setPartition(p.getPartition()));
            });
            return FakeNetwork.frame(b.build(), new byte[0]);
        });
        Map<String, Object> props = new HashMap<>();
        props.put("bootstrap.servers", "localhost:9092");
        ConsumerConfig config = new ConsumerConfig(props);
        GroupSettings settings = new GroupSettings("g", "", 3_000, 20, 60_000, "", autoCommit, 60_000, 1_000, 10);
        client = new ConsumerGroupClient(settings, new Metadata(config, network, Time.SYSTEM), network, Time.SYSTEM,
                partitions, "test");
        client.subscribe(List.of("t"), new ConsumerRebalanceListener() {
            @Override
            public void onPartitionsRevoked(Collection<TopicPartition> tps) {
                callbacks.add("revoked " + tps);
            }

            @Override
            public void onPartitionsAssigned(Collection<TopicPartition> tps) {
                callbacks.add("assigned " + tps + " at " + tps.stream().map(partitions::position).toList());
            }
        });
    }

    @AfterEach
    void close() {
        if (client != null) {
            client.close();
        }
    }

    /** Polls the client (as the consumer's poll loop does) until the condition holds. */
    private void pollUntil(BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (!condition.getAsBoolean()) {
            assertTrue(System.nanoTime() < deadline, "timed out; coordinator saw " + log);
            client.poll(1_000);
            Thread.sleep(5);
        }
    }

    private long count(String line) {
        return log.stream().filter(line::equals).count();
    }

    /** Waits, without polling, until the coordinator saw {@code line} {@code times} times. */
    private void awaitLog(String line, int times) throws InterruptedException {
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (count(line) < times) {
            assertTrue(System.nanoTime() < deadline, "timed out waiting for '" + line + "'; coordinator saw " + log);
            Thread.sleep(5);
        }
    }

    @Test
    void assignedPartitionsStartAtTheirCommittedOffsets() throws Exception {
        assignment = List.of(T0, T1);
        start(true);
        pollUntil(() -> partitions.assignment().size() == 2);
        assertEquals(5L, partitions.position(T0));
        assertEquals(null, partitions.position(T1), "no committed offset: left to auto.offset.reset");
        assertEquals(List.of("assigned [t-0, t-1] at [5, null]"), callbacks);
        assertEquals("g", client.groupMetadata().groupId());
        assertEquals(3, client.groupMetadata().generationId());
    }

    @Test
    void theStartingOffsetsComeFromTheCoordinatorOnceItsCommitsSettled() throws Exception {
        assignment = List.of(T0);
        unsettledFetches = 2;
        start(true);
        pollUntil(() -> partitions.assignment().size() == 1);
        assertEquals(5L, partitions.position(T0));
        assertEquals(List.of("fetch at node 2 (stable)", "fetch at node 2 (stable)", "fetch at node 2 (stable)"),
                log.stream().filter(l -> l.startsWith("fetch")).toList(),
                "asked the coordinator until no commit could still move the offset");
    }

    @Test
    void aRevokedPartitionIsCommittedBeforeTheHeartbeatThatReleasesIt() throws Exception {
        assignment = List.of(T0, T1);
        start(true);
        pollUntil(() -> partitions.assignment().size() == 2);
        partitions.seek(T0, 42);
        assignment = List.of(T1);
        pollUntil(() -> log.stream().anyMatch(l -> l.startsWith("heartbeat") && l.endsWith("owned=[t-1]")));
        int commit = log.indexOf("commit t-0@42 epoch=3");
        int release = -1;
        for (int i = 0; i < log.size(); i++) {
            if (log.get(i).endsWith("owned=[t-1]")) {
                release = i;
                break;
            }
        }
        assertTrue(commit >= 0 && commit < release, "commit first, then release: " + log);
        assertTrue(callbacks.contains("revoked [t-0]"), callbacks.toString());
    }

    @Test
    void aFencedMemberLosesItsPartitionsUncommittedAndStartsAgainFromTheCommittedOffsets() throws Exception {
        assignment = List.of(T0);
        start(false);
        pollUntil(() -> partitions.assignment().size() == 1);
        partitions.seek(T0, 42); // read up to 42, not committed
        heartbeatError = ErrorCode.UNKNOWN_MEMBER_ID; // fenced: another member may read and commit T0 now
        awaitLog("heartbeat epoch=0 owned=[]", 2); // after the first join: the rejoin, owning nothing
        assertThrows(CommitFailedException.class, () -> client.commitSync(Map.of(T0, new OffsetAndMetadata(42)), 10_000),
                "what was read before the fence is not committed under the new membership");
        heartbeatError = ErrorCode.NONE; // T0 comes back
        pollUntil(() -> callbacks.size() == 3);
        assertEquals(List.of("assigned [t-0] at [5]", "revoked [t-0]", "assigned [t-0] at [5]"), callbacks,
                "lost (by default reported as revoked), then assigned again at the committed offset, not at 42");
        assertTrue(log.stream().noneMatch(l -> l.startsWith("commit t-0@42")), "nothing committed: " + log);
    }

    @Test
    void aFatalErrorEndsMembershipAndReachesPoll() throws Exception {
        heartbeatError = ErrorCode.INVALID_SESSION_TIMEOUT;
        start(false);
        SluiceException e = assertThrows(SluiceException.class, () -> pollUntil(() -> false));
        assertEquals(ErrorCode.INVALID_SESSION_TIMEOUT, e.code());
        assertTrue(!client.isSubscribed());
    }

    @Test
    void aCommitRefusedByACoordinatorThatForgotTheMemberFailsAndIsNeverSentUnderTheRejoinedIdentity() throws Exception {
        assignment = List.of(T0);
        start(false);
        pollUntil(() -> partitions.assignment().size() == 1);
        memberKnown = false; // the coordinator moved: membership was in the old one's memory
        assertThrows(CommitFailedException.class, () -> client.commitSync(Map.of(T0, new OffsetAndMetadata(7)), 10_000));
        assertTrue(log.contains("commit refused: unknown member"), log.toString());
        pollUntil(() -> count("heartbeat epoch=0 owned=[]") == 2);
        assertTrue(log.stream().noneMatch(l -> l.startsWith("commit t-0@7")), "not retried as the new member: " + log);
    }
}
