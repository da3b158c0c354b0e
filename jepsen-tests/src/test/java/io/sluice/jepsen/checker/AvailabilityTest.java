package io.sluice.jepsen.checker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sluice.jepsen.history.History;
import io.sluice.jepsen.history.Op;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Availability per period: the fault window's refusals and its gap are reported, the quiet periods' are not mixed in. */
@Timeout(value = 10, unit = TimeUnit.SECONDS)
class AvailabilityTest {
    private static final long MS = 1_000_000;
    private final AtomicLong now = new AtomicLong();
    private final History history = new History(null, now::get);

    private void sendAt(long ms, Op.Type outcome) {
        now.set(ms * MS);
        Op invoke = history.invoke("send", 0, "0", ms, null);
        now.set(ms * MS + 5 * MS);
        history.complete(invoke, outcome, ms, outcome == Op.Type.OK ? ms : null, outcome == Op.Type.OK ? null : "e");
    }

    private void nemesis(String f, long ms) {
        now.set(ms * MS);
        Op invoke = history.invoke(f, -1, null, "kill one [2]", null);
        history.complete(invoke, Op.Type.OK, "kill one [2]", null, null);
    }

    @Test
    void aFaultWindowReportsItsRefusalsAndItsLongestGap() {
        for (long t = 0; t < 1000; t += 100) {
            sendAt(t, Op.Type.OK);
        }
        nemesis("fault-start", 1000);
        sendAt(1100, Op.Type.OK);
        for (long t = 1200; t < 3000; t += 100) {
            sendAt(t, Op.Type.FAIL);
        }
        nemesis("fault-stop", 3000);
        for (long t = 3000; t <= 4000; t += 100) {
            sendAt(t, Op.Type.OK);
        }
        List<Availability.Period> periods = Availability.periods(history.ops());

        assertEquals(List.of("quiet", "kill one [2]", "quiet"), periods.stream().map(Availability.Period::what).toList());
        Availability.Period fault = periods.get(1);
        assertEquals(1000, fault.startMs());
        assertEquals(3000, fault.endMs());
        assertEquals(1, fault.acknowledged());
        assertEquals(19, fault.completed(), "the ack at 1105 and 18 refusals (1205 ... 2905)");
        assertEquals(3000 - 1105, fault.longestGapMs(), "from the last ack to the window's end");
        Availability.Period before = periods.get(0);
        assertEquals(10, before.acknowledged());
        assertEquals(1.0, before.acknowledgedShare());
        assertTrue(before.longestGapMs() <= 100, "one ack every 100 ms: " + before.longestGapMs());
        assertEquals(11, periods.get(2).acknowledged());
        assertEquals(3005 - 1105, Availability.longestGapMs(history.ops()), "over the whole run");
    }

    @Test
    void aWindowLeftOpenUntilTheFinalHealRunsToTheLastWrite() {
        sendAt(0, Op.Type.OK);
        nemesis("fault-start", 100);
        sendAt(200, Op.Type.INFO);
        sendAt(900, Op.Type.FAIL);
        List<Availability.Period> periods = Availability.periods(history.ops());
        assertEquals(2, periods.size());
        assertEquals("kill one [2] (until the final heal)", periods.get(1).what());
        assertEquals(0, periods.get(1).acknowledged());
        assertEquals(2, periods.get(1).completed());
        assertEquals(905 - 100, periods.get(1).longestGapMs(), "no ack at all: the whole period");
        assertTrue(Availability.periods(List.of()).isEmpty());
    }
}
