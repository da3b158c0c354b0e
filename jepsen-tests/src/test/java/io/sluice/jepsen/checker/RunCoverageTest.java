package io.sluice.jepsen.checker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sluice.jepsen.history.HistoryBuilder;
import io.sluice.jepsen.history.Op;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** A run that could not have failed says so: its verdict is unknown with the reason, never valid. */
@Timeout(value = 10, unit = TimeUnit.SECONDS)
class RunCoverageTest {
    private static HistoryBuilder withFault(Op.Type outcome) {
        HistoryBuilder h = new HistoryBuilder();
        Op start = h.invoke("fault-start", -1, null, "kill one [2]", null);
        h.complete(start, outcome, "kill one [2]", null);
        return h;
    }

    @Test
    void aRunWithAnAcknowledgedWriteAndAnInjectedFaultCanBeValid() {
        HistoryBuilder h = withFault(Op.Type.OK);
        h.send(0, "0", 1, 0);
        CheckResult result = RunCoverage.check(h.ops(), true, List.of());
        assertEquals(CheckResult.Verdict.VALID, result.verdict());
        assertEquals(CheckResult.Verdict.UNKNOWN, RunCoverage.check(List.of(), false, List.of()).verdict(),
                "an empty history proves nothing");
    }

    @Test
    void noAcknowledgedWriteProvesNothing() {
        HistoryBuilder h = withFault(Op.Type.OK);
        h.sendInfo(0, "0", 1);
        h.invoke("send", 1, "0", 2L, null); // never completed
        h.leaders(1, "0", 1, 1); // an observer's ok is not a write
        CheckResult result = RunCoverage.check(h.ops(), true, List.of());
        assertEquals(CheckResult.Verdict.UNKNOWN, result.verdict());
        assertEquals(List.of("no write was acknowledged, so no loss could be seen"), result.unknownReasons());
        assertEquals(false, result.toJson().get("valid"));
        assertEquals("unknown", result.toJson().get("verdict"));
    }

    @Test
    void aCommitOrAMetadataChangeCountsAsAWrite() {
        HistoryBuilder commits = withFault(Op.Type.OK);
        commits.commit(1, "g", "0", 4);
        assertTrue(RunCoverage.check(commits.ops(), true, List.of()).valid());
        HistoryBuilder creates = withFault(Op.Type.OK);
        creates.metadata("create", Op.Type.OK, 1, "t", null);
        assertTrue(RunCoverage.check(creates.ops(), true, List.of()).valid());
    }

    @Test
    void aFaultThatWasNotInjectedIsNamedWithItsError() {
        HistoryBuilder h = withFault(Op.Type.FAIL);
        h.send(0, "0", 1, 0);
        Op second = h.invoke("fault-start", -1, null, "partition one [3]", null);
        h.complete(second, Op.Type.OK, "partition one [3]", null);
        CheckResult result = RunCoverage.check(h.ops(), true, List.of());
        assertEquals(CheckResult.Verdict.UNKNOWN, result.verdict());
        assertEquals(List.of("fault not injected: kill one [2] (test error)"), result.unknownReasons());
    }

    @Test
    void aFaultSkippedForWantOfATargetIsCountedNotHeldAgainstTheRun() {
        HistoryBuilder h = withFault(Op.Type.OK);
        h.send(0, "0", 1, 0);
        Op skipped = h.invoke("fault-start", -1, null, "kill raft-leader", null);
        h.completeWithError(skipped, Op.Type.FAIL, "kill raft-leader", RunCoverage.SKIPPED + "no metadata leader is known");
        CheckResult result = RunCoverage.check(h.ops(), true, List.of());
        assertTrue(result.valid(), String.valueOf(result.unknownReasons()));
        assertEquals(1L, result.stats().get("faults-skipped"));
        assertEquals(1L, result.stats().get("faults-injected"));
    }

    @Test
    void faultsAskedForAndNoneInjectedProveNothing() {
        HistoryBuilder h = new HistoryBuilder();
        h.send(0, "0", 1, 0);
        assertEquals(List.of("faults were asked for and none was injected"),
                RunCoverage.check(h.ops(), true, List.of()).unknownReasons());
        assertTrue(RunCoverage.check(h.ops(), false, List.of()).valid(), "--nemesis none asks for no fault");
    }

    @Test
    void familiesTheNetworkCouldNotMakeAreReasons() {
        HistoryBuilder h = withFault(Op.Type.OK);
        h.send(0, "0", 1, 0);
        CheckResult result = RunCoverage.check(h.ops(), true, List.of("partition and loss faults were not made"));
        assertEquals(List.of("partition and loss faults were not made"), result.unknownReasons());
    }

    @Test
    void anAnomalyMakesTheRunInvalidEvenWhenItProvedLittle() {
        CheckResult lost = new CheckResult(List.of(new Anomaly("lost-write", "0", "lost", List.of(1L))), Map.of());
        CheckResult merged = CheckResult.merge(List.of(lost, CheckResult.unknown(List.of("no fault"))));
        assertEquals(CheckResult.Verdict.INVALID, merged.verdict());
        assertEquals(List.of("no fault"), merged.unknownReasons());
    }
}
