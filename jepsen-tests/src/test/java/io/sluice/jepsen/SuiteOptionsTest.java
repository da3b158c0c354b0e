package io.sluice.jepsen;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.beust.jcommander.JCommander;
import io.sluice.jepsen.nemesis.Fault;
import java.util.EnumSet;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 10, unit = TimeUnit.SECONDS)
class SuiteOptionsTest {
    private static SuiteOptions parse(String... args) {
        SuiteOptions o = new SuiteOptions();
        JCommander.newBuilder().addObject(o).build().parse(args);
        return o;
    }

    @Test
    void theDocumentedCommandLineParses() {
        SuiteOptions o = parse("--workload", "queue", "--nemesis", "kill,pause,partition", "--time-limit", "300",
                "--nodes", "5", "--test-count", "2", "--rate", "50", "--seed", "9");
        o.validate();
        assertEquals(EnumSet.of(Fault.Kind.KILL, Fault.Kind.PAUSE, Fault.Kind.PARTITION), o.kinds());
        assertEquals(300, o.timeLimit);
        assertEquals(9L, o.seed);
        assertTrue(parse("--nemesis", "none").kinds().isEmpty());
    }

    @Test
    void badValuesAreRefusedWithAMessage() {
        assertTrue(assertThrows(IllegalArgumentException.class, () -> parse("--nemesis", "kill,flood").validate())
                .getMessage().contains("flood"));
        assertThrows(IllegalArgumentException.class, () -> parse("--nodes", "0").validate());
        assertThrows(IllegalArgumentException.class, () -> parse("--workload", "bank").validate());
        assertEquals(2, Main.run(new String[] {"--rate", "-1"}));
    }
}
