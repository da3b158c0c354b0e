package io.sluice.jepsen.history;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(value = 10, unit = TimeUnit.SECONDS)
class HistoryTest {
    @TempDir
    Path dir;

    @Test
    void aWrittenHistoryReadsBackEqual() throws IOException {
        AtomicLong clock = new AtomicLong(100);
        Path file = dir.resolve("history.jsonl");
        List<Op> written;
        try (History history = new History(file, clock::get)) {
            Op send = history.invoke("send", 3, "0", 42L, null);
            clock.set(250);
            history.complete(send, Op.Type.OK, 42L, 17L, null);
            Op poll = history.invoke("poll", 4, null, null, null);
            history.complete(poll, Op.Type.OK, Map.of("0", List.of(List.of(17L, 42L))), null, null);
            Op commit = history.invoke("commit", 4, null, Map.of("0", 18L), "g");
            history.complete(commit, Op.Type.INFO, Map.of("0", 18L), null, "timed out: \"quoted\"\nnext line");
            written = history.ops();
        }
        List<Op> read = History.read(file);
        assertEquals(written, read);
        assertEquals(17L, read.get(1).offset());
        assertEquals(150, read.get(1).time() - read.get(0).time());
        assertEquals("timed out: \"quoted\"\nnext line", read.get(5).error());
        assertNull(read.get(2).key());
    }

    @Test
    void aMalformedLineIsReportedWithItsNumber() throws IOException {
        Path file = dir.resolve("bad.jsonl");
        Files.writeString(file, "{\"index\":0,\"type\":\"invoke\",\"f\":\"send\",\"process\":1,\"time\":5}\n\n{\"index\":1,");
        IOException e = assertThrows(IOException.class, () -> History.read(file));
        assertTrue(e.getMessage().contains("line 3"), e.getMessage());
        Files.writeString(file, "{\"index\":0,\"type\":\"invoke\",\"f\":\"send\",\"time\":5}\n");
        assertTrue(assertThrows(IOException.class, () -> History.read(file)).getMessage().contains("process"));
    }

    @Test
    void jsonRoundTripsNestedValuesAndEscapes() {
        Object value = Json.parse("{\"a\":[1,-2,3.5,true,null,\"x\\u0041\\\\\"],\"b\":{}}");
        assertEquals(Map.of("a", java.util.Arrays.asList(1L, -2L, 3.5, true, null, "xA\\"), "b", Map.of()), value);
        assertEquals(value, Json.parse(Json.write(value)));
        assertThrows(IllegalArgumentException.class, () -> Json.parse("{\"a\":1} x"));
        assertThrows(IllegalArgumentException.class, () -> Json.parse("[1,"));
        assertEquals("\"\\u0001\"", Json.write("\u0001"));
    }

    @Test
    void pairsMatchPipelinedSendsByValueAndOtherOperationsByProcess() {
        HistoryBuilder h = new HistoryBuilder();
        Op a = h.invoke("send", 1, "0", 1L, null);
        Op b = h.invoke("send", 1, "0", 2L, null);
        Op poll = h.invoke("poll", 1, null, null, null);
        Op bOk = h.complete(b, Op.Type.OK, 2L, 0L);
        Op pollOk = h.complete(poll, Op.Type.OK, Map.of(), null);
        Op aInfo = h.complete(a, Op.Type.INFO, 1L, null);
        Op open = h.invoke("send", 2, "0", 3L, null);
        Pairs pairs = new Pairs(h.ops());
        assertSame(b, pairs.invocation(bOk));
        assertSame(a, pairs.invocation(aInfo));
        assertSame(poll, pairs.invocation(pollOk));
        assertEquals(List.of(open), pairs.openAtEnd());
    }

    /** Many client threads record at once: every operation kept, indexes dense, time never going back. */
    @Test
    void concurrentRecordingKeepsEveryOperationInIndexAndTimeOrder() throws Exception {
        AtomicLong clock = new AtomicLong();
        try (History history = new History(null, clock::incrementAndGet)) {
            int threads = 4;
            int perThread = 500;
            List<Thread> clients = new java.util.ArrayList<>();
            for (int p = 0; p < threads; p++) {
                int process = p;
                Thread t = new Thread(() -> {
                    for (int i = 0; i < perThread; i++) {
                        Op invoke = history.invoke("send", process, "0", i, null);
                        Op done = history.complete(invoke, Op.Type.OK, i, (long) i, null);
                        assertEquals(process, done.process(), "a completion belongs to its invocation's process");
                        assertEquals("send", done.f());
                    }
                });
                clients.add(t);
                t.start();
            }
            for (Thread t : clients) {
                t.join();
            }
            List<Op> ops = history.ops();
            assertEquals(2 * threads * perThread, ops.size());
            for (int i = 0; i < ops.size(); i++) {
                assertEquals(i, ops.get(i).index());
                assertTrue(i == 0 || ops.get(i).time() > ops.get(i - 1).time(), "time went back at " + i);
            }
        }
    }
}
