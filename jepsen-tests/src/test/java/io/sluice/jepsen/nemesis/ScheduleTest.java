package io.sluice.jepsen.nemesis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 10, unit = TimeUnit.SECONDS)
class ScheduleTest {
    private static final Set<Fault.Kind> ALL = EnumSet.allOf(Fault.Kind.class);

    @Test
    void theSameSeedGivesTheSameScheduleAndAnotherSeedAnother() {
        assertEquals(Schedule.generate(7, ALL, 3, 300_000, 10_000), Schedule.generate(7, ALL, 3, 300_000, 10_000));
        assertNotEquals(Schedule.generate(7, ALL, 3, 300_000, 10_000), Schedule.generate(8, ALL, 3, 300_000, 10_000));
    }

    @Test
    void aReassignFaultCarriesItsActionAndSeedAndEveryActionIsDrawn() {
        Set<String> actions = new HashSet<>();
        for (long seed = 0; seed < 40; seed++) {
            for (Schedule.Entry e : Schedule.generate(seed, EnumSet.of(Fault.Kind.REASSIGN), 5, 300_000, 10_000)) {
                String[] mode = e.fault().mode().split(" ");
                ReassignPlan.Action action = ReassignPlan.Action.ofFlag(mode[0]);
                Long.parseLong(mode[1]);
                actions.add(mode[0]);
                assertEquals(action == ReassignPlan.Action.LEADER_OFF ? Fault.Target.PARTITION_LEADER : Fault.Target.ALL,
                        e.fault().target());
            }
        }
        assertEquals(Set.of("move", "cancel", "leader-off"), actions);
    }

    @Test
    void reassignComposesWithProcessAndNetworkFaults() {
        Set<Fault.Kind> inOneWindow = new HashSet<>();
        for (long seed = 0; seed < 40; seed++) {
            for (Schedule.Entry e : Schedule.generate(seed, EnumSet.of(Fault.Kind.REASSIGN, Fault.Kind.KILL,
                    Fault.Kind.PARTITION), 5, 300_000, 10_000, true)) {
                List<Fault.Kind> kinds = e.faults().stream().map(Fault::kind).toList();
                if (kinds.contains(Fault.Kind.REASSIGN)) {
                    inOneWindow.addAll(kinds);
                }
            }
        }
        assertEquals(EnumSet.of(Fault.Kind.REASSIGN, Fault.Kind.KILL, Fault.Kind.PARTITION), inOneWindow);
    }

    @Test
    void faultsAreSeparatedByQuietPeriodsAndEndBeforeTheTimeLimit() {
        for (long seed = 0; seed < 50; seed++) {
            List<Schedule.Entry> entries = Schedule.generate(seed, ALL, 5, 120_000, 10_000);
            assertTrue(entries.size() >= 3, "seed " + seed + ": only " + entries.size() + " faults in 120 s");
            long previousEnd = 0;
            for (Schedule.Entry e : entries) {
                assertTrue(e.startMs() - previousEnd >= 5_000, "seed " + seed + ": no quiet period before " + e);
                assertTrue(e.endMs() - e.startMs() >= 5_000 && e.endMs() - e.startMs() <= 15_000, e.toString());
                previousEnd = e.endMs();
            }
            assertTrue(previousEnd <= 120_000 - 5_000, "seed " + seed + ": the last fault ends at " + previousEnd);
        }
    }

    @Test
    void onlyTheAskedFamiliesAppearAndEveryTargetIsDrawn() {
        Set<Fault.Target> targets = new HashSet<>();
        for (long seed = 0; seed < 40; seed++) {
            for (Schedule.Entry e : Schedule.generate(seed, EnumSet.of(Fault.Kind.KILL, Fault.Kind.PAUSE), 3, 300_000, 10_000)) {
                assertTrue(e.fault().kind() == Fault.Kind.KILL || e.fault().kind() == Fault.Kind.PAUSE);
                targets.add(e.fault().target());
            }
        }
        assertEquals(EnumSet.of(Fault.Target.ONE, Fault.Target.RAFT_LEADER, Fault.Target.PARTITION_LEADER,
                Fault.Target.MINORITY, Fault.Target.MAJORITY, Fault.Target.ALL), targets);
        assertTrue(Schedule.generate(1, Set.of(), 3, 300_000, 10_000).isEmpty());
    }

    @Test
    void pickedNodesAreAMinorityOfExistingNodes() {
        for (long seed = 0; seed < 200; seed++) {
            for (Schedule.Entry e : Schedule.generate(seed, ALL, 5, 100_000, 10_000)) {
                Fault f = e.fault();
                f.nodes().forEach(n -> assertTrue(n >= 1 && n <= 5, f.describe()));
                if (f.target() == Fault.Target.MINORITY || f.target() == Fault.Target.MAJORITY_MINORITY) {
                    assertTrue(!f.nodes().isEmpty() && f.nodes().size() <= 2, f.describe());
                }
                if (f.target() == Fault.Target.MAJORITY) {
                    assertEquals(3, new HashSet<>(f.nodes()).size(), f.describe());
                }
                if (f.target() == Fault.Target.ONE_WAY) {
                    assertEquals(2, new HashSet<>(f.nodes()).size(), f.describe());
                }
                if (f.target() == Fault.Target.BRIDGE || f.target() == Fault.Target.RAFT_FOLLOWER_CUT) {
                    assertEquals(5, new HashSet<>(f.nodes()).size());
                }
                if (f.kind() == Fault.Kind.LOSS) {
                    assertTrue(f.probability() > 0 && f.probability() < 1);
                }
            }
        }
    }

    @Test
    void composedWindowsOverlapFaultsAndOneMayLastUntilTheEnd() {
        boolean sawOverlap = false;
        boolean sawUnhealed = false;
        for (long seed = 0; seed < 100; seed++) {
            List<Schedule.Entry> entries = Schedule.generate(seed, ALL, 3, 120_000, 10_000, true);
            assertEquals(entries, Schedule.generate(seed, ALL, 3, 120_000, 10_000, true), "seeded");
            for (int i = 0; i < entries.size(); i++) {
                Schedule.Entry e = entries.get(i);
                assertTrue(e.faults().size() >= 1 && e.faults().size() <= 3, e.describe());
                for (int k = 1; k < e.faults().size(); k++) {
                    assertTrue(e.startOf(k) > e.startOf(k - 1) && e.startOf(k) < e.endMs(), "staggered inside the window");
                }
                sawOverlap |= e.faults().size() > 1;
                if (e.endMs() == 120_000) {
                    sawUnhealed = true;
                    assertEquals(entries.size() - 1, i, "nothing comes after a window that lasts until the end");
                }
            }
        }
        assertTrue(sawOverlap && sawUnhealed);
        assertTrue(Schedule.generate(3, ALL, 3, 120_000, 10_000, false).stream().allMatch(e -> e.overlapping().isEmpty()));
    }

    @Test
    void powerLossesDrawTheirTargetsAndWhatTheDiskDropsAndDiskFaultsTheirKind() {
        Set<Fault.Target> targets = new HashSet<>();
        Set<String> modes = new HashSet<>();
        Set<String> diskFaults = new HashSet<>();
        for (long seed = 0; seed < 60; seed++) {
            for (Schedule.Entry e : Schedule.generate(seed, EnumSet.of(Fault.Kind.POWER_LOSS, Fault.Kind.POWER_LOSS_ALL,
                    Fault.Kind.POWER_LOSS_DIRS, Fault.Kind.DISK), 3, 300_000, 10_000)) {
                Fault f = e.fault();
                switch (f.kind()) {
                    case POWER_LOSS -> targets.add(f.target());
                    case POWER_LOSS_ALL, POWER_LOSS_DIRS -> assertEquals(Fault.Target.ALL, f.target());
                    case DISK -> diskFaults.add(f.mode());
                    default -> throw new AssertionError(f.describe());
                }
                if (f.kind() != Fault.Kind.DISK) {
                    assertTrue(f.mode().matches("(torn )?(dirs )?\\d+"), f.describe()); // the seed of the drop
                    assertEquals(f.kind() == Fault.Kind.POWER_LOSS_DIRS, f.mode().contains("dirs"), f.describe());
                    modes.add(f.mode().replaceAll("\\d+", "").trim());
                }
            }
        }
        assertEquals(EnumSet.of(Fault.Target.ONE, Fault.Target.RAFT_LEADER, Fault.Target.PARTITION_LEADER,
                Fault.Target.MAJORITY), targets);
        assertEquals(Set.of("", "torn", "dirs", "torn dirs"), modes);
        assertEquals(Set.of("enospc", "eio"), diskFaults);
    }
}
