package io.sluice.tools;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Walks every command and sub-action (found the way ./sluice finds them, so a new one is covered
 * without editing this test) and checks what issue 22 asks of their help: --help and -h exit 0,
 * say what the command does, give every option a description, mark required options without a
 * made-up default, and end with examples.
 */
@Timeout(30)
class CommandHelpTest {
    /** "  --names[, -x] [PLACEHOLDER]   description": at least two spaces before the description. */
    private static final Pattern OPTION = Pattern.compile("  (-[^ ,]+(?:, -[^ ,]+)*)(?: [A-Z0-9_=.:|]+)?\\s{2,}(\\S.*)");

    static Stream<List<String>> everyCommandAndAction() {
        List<List<String>> all = new ArrayList<>();
        for (Command c : Sluice.commands().values()) {
            all.add(List.of(c.name()));
            c.actions().forEach(a -> all.add(List.of(c.name(), a)));
        }
        return all.stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("everyCommandAndAction")
    void helpExitsZeroAndDescribesEveryOption(List<String> command) {
        for (String flag : List.of("--help", "-h")) {
            List<String> args = new ArrayList<>(command);
            args.add(flag);
            SluiceRun r = SluiceRun.of(args);
            assertEquals(0, r.exit(), r.err());
            assertEquals("", r.err());
            List<String> lines = r.out().lines().toList();
            assertTrue(lines.get(0).startsWith("Usage: ./sluice " + String.join(" ", command)), lines.get(0));
            assertFalse(lines.get(1).isBlank(), "a line saying what it does");
            List<String> options = section(lines, "Options:");
            assertTrue(options.stream().anyMatch(l -> l.startsWith("  --help, -h ") && l.endsWith("Show this help and exit")),
                    options.toString());
            for (String line : options) {
                Matcher m = OPTION.matcher(line);
                assertTrue(m.matches(), "an option without a description: '" + line + "'");
                assertFalse(m.group(2).contains("(required)") && m.group(2).contains("(default:"),
                        "a required option with a default: " + line);
            }
            List<String> examples = section(lines, "Examples:");
            assertFalse(examples.isEmpty(), "no examples in " + command);
            examples.forEach(e -> assertTrue(e.startsWith("  ./sluice " + command.get(0)) || e.contains("| ./sluice "
                    + command.get(0)), e));
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("everyCommandAndAction")
    void helpCommandShowsTheSameHelp(List<String> command) {
        List<String> viaHelp = new ArrayList<>(List.of("help"));
        viaHelp.addAll(command);
        List<String> viaFlag = new ArrayList<>(command);
        viaFlag.add("--help");
        SluiceRun help = SluiceRun.of(viaHelp);
        assertEquals(0, help.exit(), help.err());
        assertEquals(SluiceRun.of(viaFlag).out(), help.out());
    }

    @Test
    void requiredOptionsAreMarkedWithoutTheirJavaZero() {
        String help = SluiceRun.of("producer-perf-test", "--help").out();
        for (String flag : List.of("--topic", "--num-records", "--record-size", "--throughput")) {
            String line = help.lines().filter(l -> l.startsWith("  " + flag + " ")).findFirst().orElseThrow();
            assertTrue(line.endsWith("(required)"), line);
        }
        assertFalse(help.contains("Default: 0"), help);
    }

    @Test
    void overviewVersionAndHelpExitZero() {
        SluiceRun overview = SluiceRun.of("--help");
        assertEquals(0, overview.exit());
        Sluice.commands().keySet().forEach(name -> assertTrue(overview.out().contains("  " + name + " "), name));
        assertEquals(overview.out(), SluiceRun.of("help").out());
        SluiceRun version = SluiceRun.of("--version");
        assertEquals(0, version.exit());
        assertTrue(version.out().startsWith("Sluice "), version.out());
        SluiceRun nothing = SluiceRun.of();
        assertEquals(2, nothing.exit(), "no command is a usage error");
        assertTrue(nothing.err().startsWith("Usage: ./sluice COMMAND"), nothing.err());
    }

    /** The lines of a section: after its heading, up to the next blank line. */
    private static List<String> section(List<String> lines, String heading) {
        int start = lines.indexOf(heading);
        assertTrue(start >= 0, "no '" + heading + "' in " + lines);
        List<String> out = new ArrayList<>();
        for (int i = start + 1; i < lines.size() && !lines.get(i).isBlank(); i++) {
            out.add(lines.get(i));
        }
        return out;
    }
}
