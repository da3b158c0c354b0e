package io.sluice.jepsen;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.beust.jcommander.JCommander;
import io.sluice.jepsen.history.HistoryBuilder;
import io.sluice.jepsen.nemesis.Fault;
import io.sluice.jepsen.workload.CompactedWorkload;
import io.sluice.jepsen.workload.MetadataWorkload;
import io.sluice.jepsen.workload.OffsetsWorkload;
import io.sluice.jepsen.workload.QueueWorkload;
import java.util.EnumSet;
import java.util.List;
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

    @Test
    void securityIsNoneUnlessSaslSslIsAsked() {
        SuiteOptions plain = parse();
        plain.validate();
        assertEquals("none", plain.security);
        SuiteOptions secure = parse("--security", "SASL_SSL", "--nemesis", "kill,pause,partition");
        secure.validate();
        assertEquals("sasl_ssl", secure.security);
        assertTrue(assertThrows(IllegalArgumentException.class, () -> parse("--security", "tls").validate())
                .getMessage().contains("tls"));
        assertEquals(2, Main.run(new String[] {"--security", "kerberos"}));
    }

    @Test
    void reassignNeedsMoreNodesThanReplicas() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> parse("--nemesis", "reassign,kill", "--nodes", "3").validate());
        assertTrue(e.getMessage().contains("--nodes 4 or more"), e.getMessage());
        SuiteOptions five = parse("--nemesis", "reassign,kill,partition", "--compose", "--nodes", "5");
        five.validate();
        assertEquals(EnumSet.of(Fault.Kind.KILL, Fault.Kind.PARTITION, Fault.Kind.REASSIGN), five.kinds());
    }

    @Test
    void loopbackRefusesNetworkFaultsItCannotMake() {
        String message = assertThrows(IllegalArgumentException.class, () -> parse("--loopback").validate()).getMessage();
        assertTrue(message.contains("--loopback") && message.contains("partition"), message);
        assertThrows(IllegalArgumentException.class, () -> parse("--loopback", "--nemesis", "kill,loss").validate());
        parse("--loopback", "--nemesis", "kill,pause").validate();
        parse("--nemesis", "partition").validate();
    }

    @Test
    void subscribeIsAVariantOfTheQueueWorkload() {
        SuiteOptions o = parse("--workload", "queue", "--subscribe");
        o.validate();
        assertTrue(o.subscribe);
        assertEquals("queue-subscribe", o.testName());
        assertEquals("queue", parse().testName());
        assertEquals("offsets", parse("--workload", "offsets").testName());
        assertTrue(assertThrows(IllegalArgumentException.class,
                () -> parse("--workload", "metadata", "--subscribe").validate()).getMessage().contains("queue"));
        assertThrows(IllegalArgumentException.class, () -> parse("--workload", "offsets", "--subscribe").validate());
    }

    @Test
    void eachWorkloadNameMakesItsWorkload() {
        assertInstanceOf(QueueWorkload.class, Main.workload(parse()));
        assertInstanceOf(QueueWorkload.class, Main.workload(parse("--subscribe")));
        assertInstanceOf(MetadataWorkload.class, Main.workload(parse("--workload", "metadata")));
        assertInstanceOf(OffsetsWorkload.class, Main.workload(parse("--workload", "offsets")));
        assertInstanceOf(CompactedWorkload.class, Main.workload(parse("--workload", "compacted", "--client", "kafka")));
    }

    @Test
    void groupWorkloadsCheckCommittedOffsetsToo() {
        HistoryBuilder h = new HistoryBuilder();
        h.commit(1, "g", "0", 9);
        h.tick();
        h.committed(2, "g", "0", 5);
        for (String[] args : List.of(new String[] {"--subscribe"}, new String[] {"--workload", "offsets"})) {
            assertEquals(1, Main.workload(parse(args)).check(h.ops()).counts().get("committed-offset-regression"),
                    String.join(" ", args));
        }
        assertTrue(Main.workload(parse()).check(h.ops()).valid());
    }
}
