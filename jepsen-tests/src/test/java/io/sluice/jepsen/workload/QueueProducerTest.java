package io.sluice.jepsen.workload;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sluice.jepsen.harness.Cluster;
import io.sluice.jepsen.harness.LoopbackNetwork;
import io.sluice.jepsen.history.History;
import io.sluice.jepsen.history.Op;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a queue writer records, against a scripted client (no cluster is started): an acknowledged
 * send is ok with its offset, a send whose outcome is unknown is info, one refused before sending is
 * fail, every invocation has exactly one completion of its own process and value, and after an info or
 * a fail the writer goes on as a new process with a new producer.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class QueueProducerTest {
    @TempDir
    Path dir;

    /** Value v: v % 5 == 3 fails after sending (unknown outcome), v % 5 == 4 is refused; the rest succeed. */
    static class ScriptedClient implements QueueClient {
        final AtomicInteger writersOpened = new AtomicInteger();
        final AtomicInteger writersClosed = new AtomicInteger();
        private final AtomicLong nextOffset = new AtomicLong();

        @Override
        public String name() {
            return "scripted";
        }

        @Override
        public Writer writer(Map<String, Object> props) {
            if (writersOpened.getAndIncrement() == 0) {
                throw new IllegalStateException("no metadata yet"); // the first attempt: retried
            }
            return new Writer() {
                @Override
                public CompletableFuture<Long> send(String topic, int partition, byte[] key, byte[] value) {
                    long v = Long.parseLong(new String(value, StandardCharsets.UTF_8));
                    if (v % 5 == 3) {
                        return CompletableFuture.failedFuture(new java.io.IOException("request timed out"));
                    }
                    if (v % 5 == 4) {
                        throw new IllegalStateException("buffer full");
                    }
                    return CompletableFuture.completedFuture(nextOffset.getAndIncrement());
                }

                @Override
                public void close() {
                    writersClosed.incrementAndGet();
                }
            };
        }

        @Override
        public Reader reader(Map<String, Object> props, String topic) {
            throw new UnsupportedOperationException("a writer-only fake: the producer test reads nothing");
        }

        @Override
        public GroupReader groupReader(Map<String, Object> props, String topic,
                                       java.util.function.Consumer<Ownership> onAssigned) {
            throw new UnsupportedOperationException("a writer-only fake: the producer test reads nothing");
        }
    }

    @Test
    void everySendIsRecordedWithItsOutcomeAndAnUnknownOneStartsANewProcess() throws Exception {
        History history = new History(null, System::nanoTime);
        Cluster cluster = new Cluster(new LoopbackNetwork(), dir, dir, 3, Map.of(), "64m"); // never started
        WorkloadContext context = new WorkloadContext(cluster, history, 1000, 2, 1, false, 7, new AtomicInteger());
        ScriptedClient client = new ScriptedClient();
        QueueProducer producer = new QueueProducer(context, client, "t", new AtomicLong(), 1000,
                System.nanoTime() + TimeUnit.SECONDS.toNanos(60), 0);
        Thread writer = new Thread(producer, "writer");
        writer.start();
        await().atMost(Duration.ofSeconds(20)).until(() -> completions(history) >= 20);
        writer.interrupt();
        writer.join(10_000);

        List<Op> ops = history.ops().stream().filter(o -> o.f().equals("send")).toList();
        Set<Integer> brokenProcesses = new HashSet<>();
        for (int i = 0; i + 1 < ops.size(); i += 2) {
            Op invoke = ops.get(i);
            Op done = ops.get(i + 1);
            assertEquals(Op.Type.INVOKE, invoke.type());
            assertEquals(invoke.process(), done.process(), "a completion is its invocation's");
            assertEquals(invoke.value(), done.value());
            assertTrue(!brokenProcesses.contains(invoke.process()), "process " + invoke.process()
                    + " sent again after an unknown or refused send");
            long v = ((Number) invoke.value()).longValue();
            switch ((int) (v % 5)) {
                case 3 -> {
                    assertEquals(Op.Type.INFO, done.type(), done.toString());
                    assertNotNull(done.error());
                    brokenProcesses.add(done.process());
                }
                case 4 -> {
                    assertEquals(Op.Type.FAIL, done.type(), done.toString());
                    brokenProcesses.add(done.process());
                }
                default -> {
                    assertEquals(Op.Type.OK, done.type(), done.toString());
                    assertNotNull(done.offset());
                    assertNull(done.error());
                }
            }
        }
        assertTrue(brokenProcesses.size() >= 6, "each unknown or refused send gave a new process: " + brokenProcesses);
        assertEquals(client.writersOpened.get() - 1, client.writersClosed.get(),
                "every producer that was opened is closed (the first attempt opened none)");
    }

    /** Acknowledges every send and remembers what each offset was given: key and value, null for none. */
    static final class RecordingClient extends ScriptedClient {
        final Map<Long, byte[][]> sent = new java.util.concurrent.ConcurrentHashMap<>();
        private final AtomicLong offsets = new AtomicLong();

        @Override
        public Writer writer(Map<String, Object> props) {
            return new Writer() {
                @Override
                public CompletableFuture<Long> send(String topic, int partition, byte[] key, byte[] value) {
                    long offset = offsets.getAndIncrement();
                    sent.put(offset, new byte[][] {key, value});
                    return CompletableFuture.completedFuture(offset);
                }

                @Override
                public void close() {
                }
            };
        }
    }

    @Test
    void keyedWritesRecordTheirKeyAndIdAndTombstonesSendNoValue() throws Exception {
        History history = new History(null, System::nanoTime);
        Cluster cluster = new Cluster(new LoopbackNetwork(), dir, dir, 3, Map.of(), "64m"); // never started
        WorkloadContext context = new WorkloadContext(cluster, history, 1000, 2, 1, false, 7, new AtomicInteger());
        RecordingClient client = new RecordingClient();
        QueueProducer producer = new QueueProducer(context, client, "t", new AtomicLong(), 1000,
                System.nanoTime() + TimeUnit.SECONDS.toNanos(60), 0, new QueueProducer.Keyed(5, 0.3));
        Thread writer = new Thread(producer, "writer");
        writer.start();
        await().atMost(Duration.ofSeconds(20)).until(() -> history.ops().stream()
                .filter(o -> o.isOk() && o.f().equals("delete")).count() >= 5);
        writer.interrupt();
        writer.join(10_000);

        List<Op> oks = history.ops().stream().filter(o -> o.isOk() && !o.f().equals("send")).toList();
        assertTrue(oks.stream().anyMatch(o -> o.f().equals("write")), "some writes put a value");
        for (Op ok : oks) {
            long key = ((Number) ok.listValue().get(0)).longValue();
            long id = ((Number) ok.listValue().get(1)).longValue();
            byte[][] record = client.sent.get(ok.offset());
            assertTrue(key >= 0 && key < 5, ok.toString());
            assertEquals(Long.toString(key), new String(record[0], StandardCharsets.UTF_8), "the key sent is the one recorded");
            if (ok.f().equals("delete")) {
                assertNull(record[1], "a tombstone has no value: " + ok);
            } else {
                assertEquals(Long.toString(id), new String(record[1], StandardCharsets.UTF_8), "the value is the write id");
            }
        }
    }

    private static long completions(History history) {
        return history.ops().stream().filter(o -> o.f().equals("send") && o.type() != Op.Type.INVOKE).count();
    }
}
