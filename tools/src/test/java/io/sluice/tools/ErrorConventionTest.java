package io.sluice.tools;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The error convention of docs/cli.md, command by command: a usage error exits 2 with one line that
 * names the flag as typed and points at the right --help; a runtime error exits 1 with one line; a
 * cluster nobody listens for fails at once (the class timeout bounds it) with one short line.
 */
@Timeout(60)
class ErrorConventionTest {
    @TempDir
    static Path dir;
    private static int closedPort;

    @BeforeAll
    static void setUp() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            closedPort = s.getLocalPort(); // closed again: nothing listens there
        }
        System.setProperty("sluice.home", dir.toString()); // quorum's actions need it; nothing is started
    }

    @AfterAll
    static void tearDown() {
        System.clearProperty("sluice.home");
    }

    /** Command line, the flag the message must name, the command whose --help it points at. */
    static Stream<Arguments> usageErrors() {
        String empty = dir.resolve("empty").toString();
        return Stream.of(
                arguments(List.of("topics", "--create", "--partitions", "3"), "--topic", "topics"),
                arguments(List.of("topics", "--list", "--partitions", "x"), "--partitions", "topics"),
                arguments(List.of("topics", "--create", "--topic", "t", "--replication-factor", "0"), "--replication-factor", "topics"),
                arguments(List.of("configs", "--describe"), "--entity-type", "configs"),
                arguments(List.of("configs", "--describe", "--entity-type", "topics"), "--entity-name", "configs"),
                arguments(List.of("console-producer"), "--topic", "console-producer"),
                arguments(List.of("console-consumer"), "--topic", "console-consumer"),
                arguments(List.of("console-consumer", "--topic", "t", "--offset", "5"), "--partition", "console-consumer"),
                arguments(List.of("console-consumer", "--topic", "t", "--max-messages", "lots"), "--max-messages", "console-consumer"),
                arguments(List.of("producer-perf-test", "--topic", "t"), "--num-records", "producer-perf-test"),
                arguments(List.of("producer-perf-test", "--topic", "t", "--num-records", "1", "--record-size", "1",
                        "--throughput", "fast"), "--throughput", "producer-perf-test"),
                arguments(List.of("consumer-perf-test", "--topic", "t"), "--messages", "consumer-perf-test"),
                arguments(List.of("leader-election", "--all-topic-partitions"), "--election-type", "leader-election"),
                arguments(List.of("consumer-groups", "--list", "--describe"), "--describe", "consumer-groups"),
                arguments(List.of("consumer-groups", "--describe"), "--group", "consumer-groups"),
                arguments(List.of("metadata-quorum", "describe"), "--status", "metadata-quorum describe"),
                arguments(List.of("quorum", "start", "--nodes"), "--nodes", "quorum start"),
                arguments(List.of("quorum", "start", "--data-dir", empty, "--nodes", "12"), "--nodes", "quorum start"),
                arguments(List.of("quorum", "start", "--data-dir", empty, "--override", "listen=h:1"), "--override", "quorum start"),
                arguments(List.of("quorum", "start", "--data-dir", empty, "--override", "no.such.key=1"), "--override", "quorum start"),
                arguments(List.of("quorum", "start", "--data-dir", empty, "--base-port", "80"), "--base-port", "quorum start"),
                arguments(List.of("quorum", "--data-dir", empty, "status"), "--data-dir", "quorum"),
                arguments(List.of("quorum", "kill", "x"), "node id", "quorum kill"),
                arguments(List.of("broker"), "--node-id", "broker"),
                arguments(List.of("broker", "--node-id", "one"), "--node-id", "broker"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("usageErrors")
    void usageErrorsExitTwoWithOneLineNamingTheFlag(List<String> args, String flag, String helpFor) {
        SluiceRun r = SluiceRun.of(args);
        assertEquals(2, r.exit(), r.err());
        assertEquals(1, r.errLines().size(), r.err());
        String line = r.errLines().get(0);
        assertTrue(line.startsWith("Error: ") && line.contains(flag), line);
        assertTrue(line.endsWith("Run ./sluice " + helpFor + " --help for usage."), line);
    }

    static Stream<String> everyCommand() {
        return Sluice.commands().keySet().stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("everyCommand")
    void anUnknownOptionIsNamedAsTyped(String command) {
        List<String> args = new ArrayList<>(List.of(command));
        if (!Sluice.commands().get(command).actions().isEmpty()) {
            args.add(Sluice.commands().get(command).actions().get(0));
        }
        args.add("--bogus-flag");
        SluiceRun r = SluiceRun.of(args);
        assertEquals(2, r.exit(), r.err());
        assertEquals(1, r.errLines().size(), r.err());
        assertTrue(r.errLines().get(0).startsWith("Error: unknown option --bogus-flag."), r.err());
    }

    static Stream<List<String>> clientCommands() {
        String at = "localhost:" + closedPort;
        return Stream.of(
                List.of("topics", "--list", "--bootstrap-server", at),
                List.of("configs", "--describe", "--topic", "t", "--bootstrap-server", at),
                List.of("console-producer", "--topic", "t", "--bootstrap-server", at),
                List.of("console-consumer", "--topic", "t", "--bootstrap-server", at),
                List.of("producer-perf-test", "--topic", "t", "--num-records", "1", "--record-size", "1", "--throughput", "-1",
                        "--bootstrap-server", at),
                List.of("consumer-perf-test", "--topic", "t", "--messages", "1", "--bootstrap-server", at),
                List.of("leader-election", "--election-type", "preferred", "--all-topic-partitions", "--bootstrap-server", at),
                List.of("consumer-groups", "--list", "--bootstrap-server", at),
                List.of("metadata-quorum", "--bootstrap-server", at, "describe", "--status"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("clientCommands")
    void anUnreachableClusterIsOneShortLineAndExitOne(List<String> args) {
        SluiceRun r = SluiceRun.of(args);
        assertEquals(1, r.exit(), r.err());
        assertEquals(List.of("Error: cannot connect to localhost:" + closedPort + " (connection refused); is the cluster "
                + "running? ./sluice quorum status checks the local one (NETWORK_EXCEPTION)"), r.errLines());
    }

    @Test
    void aMissingLocalClusterIsARuntimeError() {
        SluiceRun r = SluiceRun.of("quorum", "status", "--data-dir", dir.resolve("nothing-here").toString());
        assertEquals(1, r.exit(), r.err());
        assertEquals(1, r.errLines().size(), r.err());
        assertTrue(r.err().startsWith("Error: no local cluster in "), r.err());
    }

    @Test
    void theClientsChainOfCausesBecomesOneReason() {
        String client = "could not reach any of localhost:1 within 10000 ms (last error: localhost:1: cannot reach "
                + "localhost:1: cannot connect to localhost:1: finishConnect(..) failed with error(-111): Connection refused: "
                + "localhost/127.0.0.1:1; next attempt in 800 ms); is the cluster running? start it with ./sluice quorum start";
        assertEquals("could not reach any of localhost:1 within 10000 ms (connection refused); is the cluster running? "
                + "start it with ./sluice quorum start", ErrorLines.shortenUnreachable(client));
    }
}
