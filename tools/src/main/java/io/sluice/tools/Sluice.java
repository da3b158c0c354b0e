package io.sluice.tools;

import com.beust.jcommander.ParameterException;
import io.sluice.protocol.SluiceException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;

/**
 * Entry point of {@code ./sluice}: dispatches to the subcommand named by the first argument. Commands
 * are found with {@link ServiceLoader} ({@code META-INF/services/io.sluice.tools.Command}), so each
 * lives in its own package and this class never changes when one is added.
 */
public final class Sluice {
    private Sluice() {
    }

    public static void main(String[] args) {
        System.exit(run(args));
    }

    /** Runs a command line and returns the exit code; tests call this directly. */
    public static int run(String[] args) {
        Map<String, Command> commands = commands();
        List<String> rest = new ArrayList<>(Arrays.asList(args));
        boolean verbose = rest.remove("--verbose");
        if (rest.isEmpty() || rest.get(0).equals("--help") || rest.get(0).equals("-h")) {
            printOverview(commands);
            return rest.isEmpty() ? 2 : 0;
        }
        Command command = commands.get(rest.get(0));
        if (command == null) {
            System.err.println("Unknown command '" + rest.get(0) + "'. Run ./sluice --help for the list of commands.");
            return 2;
        }
        try {
            return command.run(rest.subList(1, rest.size()).toArray(new String[0]));
        } catch (ParameterException e) {
            System.err.println("Error: " + describe(e) + ". Run ./sluice " + command.name() + " --help for its options.");
            if (verbose) {
                e.printStackTrace();
            }
            return 2;
        } catch (UsageException e) {
            System.err.println("Error: " + e.getMessage());
            if (verbose) {
                e.printStackTrace();
            }
            return 2;
        } catch (SluiceException e) {
            System.err.println("Error: " + e.getMessage() + " (" + e.code() + ")");
            if (verbose) {
                e.printStackTrace();
            }
            return 1;
        } catch (Exception e) {
            System.err.println("Error: " + (e.getMessage() != null ? e.getMessage() : e.toString())
                    + (verbose ? "" : " (run with --verbose for details)"));
            if (verbose) {
                e.printStackTrace();
            }
            return 1;
        }
    }

    /** jcommander's wording, in terms a user of the tool recognises. */
    static String describe(ParameterException e) {
        String m = String.valueOf(e.getMessage());
        java.util.regex.Matcher unknown = java.util.regex.Pattern
                .compile("Was passed main parameter '([^']*)' but no main parameter was defined.*").matcher(m);
        if (unknown.matches()) {
            String arg = unknown.group(1);
            return arg.startsWith("-") ? "unknown option " + arg : "unexpected argument '" + arg + "'";
        }
        return m;
    }

    static Map<String, Command> commands() {
        Map<String, Command> byName = new LinkedHashMap<>();
        for (Command c : ServiceLoader.load(Command.class)) {
            byName.put(c.name(), c);
        }
        return byName;
    }

    private static void printOverview(Map<String, Command> commands) {
        System.out.println("Usage: ./sluice COMMAND [OPTIONS]   (./sluice COMMAND --help for a command's options)");
        System.out.println();
        System.out.println("Commands:");
        commands.values().stream()
                .sorted((a, b) -> a.name().compareTo(b.name()))
                .forEach(c -> System.out.printf("  %-22s %s%n", c.name(), c.summary()));
    }
}
