package io.sluice.tools;

import com.beust.jcommander.ParameterException;
import io.sluice.protocol.SluiceException;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.ServiceLoader;

/**
 * Entry point of {@code ./sluice}: dispatches to the subcommand named by the first argument, and
 * answers {@code --help}, {@code help [COMMAND [ACTION]]} and {@code --version} itself. Commands are
 * found with {@link ServiceLoader} ({@code META-INF/services/io.sluice.tools.Command}), so each lives
 * in its own package and this class never changes when one is added. Here, and only here, a failure
 * becomes an exit code and one line on standard error (docs/cli.md): 2 for a usage error, 1 for a
 * runtime error.
 */
public final class Sluice {
    /** Exit code of a mistake in the command line. */
    public static final int USAGE_ERROR = 2;
    /** Exit code of a failure while running. */
    public static final int RUNTIME_ERROR = 1;

    private Sluice() {
    }

    public static void main(String[] args) {
        System.exit(run(args));
    }

    /** Runs a command line and returns the exit code; tests call this directly. */
    public static int run(String[] args) {
        Map<String, Command> commands = commands();
        List<String> rest = new ArrayList<>(Arrays.asList(args));
        boolean verbose = rest.contains("--verbose");
        while (!rest.isEmpty() && rest.get(0).equals("--verbose")) {
            rest.remove(0); // ./sluice --verbose COMMAND ... is accepted too
        }
        if (rest.isEmpty()) {
            printOverview(commands, System.err);
            return USAGE_ERROR;
        }
        switch (rest.get(0)) {
            case "--help", "-h" -> {
                printOverview(commands, System.out);
                return 0;
            }
            case "--version", "-V" -> {
                System.out.println("Sluice " + version());
                return 0;
            }
            case "help" -> {
                if (rest.size() == 1) {
                    printOverview(commands, System.out);
                    return 0;
                }
                rest.remove(0);
                rest.add("--help");
            }
            default -> {
            }
        }
        Command command = commands.get(rest.get(0));
        if (command == null) {
            System.err.println("Error: unknown command '" + rest.get(0) + "'. Run ./sluice --help for the list of commands.");
            return USAGE_ERROR;
        }
        return run(command, rest.subList(1, rest.size()).toArray(new String[0]), verbose);
    }

    private static int run(Command command, String[] args, boolean verbose) {
        Exception failure;
        int exit;
        String line;
        try {
            return command.run(args);
        } catch (ParameterException e) {
            failure = e;
            exit = USAGE_ERROR;
            line = ErrorLines.usage(ErrorLines.describe(e), command.name());
        } catch (UsageException e) {
            failure = e;
            exit = USAGE_ERROR;
            line = ErrorLines.usage(e.getMessage(), e.helpFor() != null ? e.helpFor() : command.name());
        } catch (ToolException e) {
            failure = e;
            exit = RUNTIME_ERROR;
            line = "Error: " + e.getMessage();
        } catch (SluiceException e) {
            failure = e;
            exit = RUNTIME_ERROR;
            line = ErrorLines.runtime(e, verbose);
        } catch (Exception e) {
            failure = e;
            exit = RUNTIME_ERROR;
            line = ErrorLines.runtime(e, verbose);
        }
        System.err.println(line);
        if (verbose) {
            failure.printStackTrace();
        }
        return exit;
    }

    static Map<String, Command> commands() {
        Map<String, Command> byName = new LinkedHashMap<>();
        for (Command c : ServiceLoader.load(Command.class)) {
            byName.put(c.name(), c);
        }
        return byName;
    }

    /** The version the build wrote into {@code sluice-version.properties}. */
    public static String version() {
        Properties p = new Properties();
        try (InputStream in = Sluice.class.getResourceAsStream("/io/sluice/tools/sluice-version.properties")) {
            if (in != null) {
                p.load(in);
            }
        } catch (IOException e) {
            // fall through to "unknown": the version line is informative only
        }
        return p.getProperty("version", "unknown");
    }

    private static void printOverview(Map<String, Command> commands, PrintStream out) {
        out.println("Usage: ./sluice COMMAND [OPTIONS]");
        out.println("Sluice " + version() + ": a replicated commit log in the style of Apache Kafka.");
        out.println();
        out.println("Commands:");
        commands.values().stream()
                .sorted((a, b) -> a.name().compareTo(b.name()))
                .forEach(c -> out.printf("  %-22s %s%n", c.name(), c.summary()));
        out.printf("  %-22s %s%n", "help [COMMAND]", "Show this list, or a command's help (as COMMAND --help)");
        out.println();
        out.println("Options:");
        out.printf("  %-22s %s%n", "--help, -h", "Show this list and exit");
        out.printf("  %-22s %s%n", "--version, -V", "Print the version and exit");
        out.printf("  %-22s %s%n", "--verbose", "With any command: the full error (stack trace) when it fails");
        out.println();
        out.println("Exit codes: 0 success, 1 failure while running, 2 a mistake in the command line (docs/cli.md).");
        out.println();
        out.println("Examples:");
        out.println("  ./sluice quorum start");
        out.println("  ./sluice topics --create --topic events --partitions 3 --replication-factor 3 --bootstrap-server localhost:9092");
    }
}
