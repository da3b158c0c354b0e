package io.sluice.jepsen;

import com.beust.jcommander.JCommander;
import com.beust.jcommander.ParameterException;
import io.sluice.jepsen.checker.CheckResult;
import io.sluice.jepsen.workload.CompactedWorkload;
import io.sluice.jepsen.workload.MetadataWorkload;
import io.sluice.jepsen.workload.OffsetsWorkload;
import io.sluice.jepsen.workload.QueueClient;
import io.sluice.jepsen.workload.QueueWorkload;
import io.sluice.jepsen.workload.Workload;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * {@code sluice-jepsen}: runs {@code --test-count} tests and prints each verdict and where its report
 * is. Exit status 0 when every test was valid, 1 when one was invalid, 2 when the suite could not run,
 * 3 when none was invalid but one proved nothing (verdict unknown: no acknowledged write, a fault not
 * injected).
 * One run at a time per machine (a file lock in the temp directory), since the network names are fixed.
 */
public final class Main {
    private static final Path LOCK = Path.of(System.getProperty("java.io.tmpdir"), "sluice-jepsen.lock");
    private static final DateTimeFormatter RUN_NAME = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss");

    private Main() {
    }

    public static void main(String[] args) {
        System.exit(run(args));
    }

    static int run(String[] args) {
        SuiteOptions options = new SuiteOptions();
        JCommander commander = JCommander.newBuilder().addObject(options).programName("sluice-jepsen").build();
        try {
            commander.parse(args);
            options.validate();
        } catch (ParameterException | IllegalArgumentException e) {
            System.err.println("Error: " + e.getMessage() + " (see --help)");
            return 2;
        }
        if (options.help) {
            commander.usage();
            return 0;
        }
        try (FileChannel lockFile = FileChannel.open(LOCK, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
             FileLock lock = lockFile.tryLock()) {
            if (lock == null) {
                // the namespaces, bridge and ports are fixed: a second run would tear down the first one's
                System.err.println("Error: another sluice-jepsen run holds " + LOCK + "; wait for it to finish");
                return 2;
            }
            Path distribution = distribution(options);
            long seed = options.seed != null ? options.seed : System.currentTimeMillis();
            List<String> invalid = new ArrayList<>();
            List<String> unknown = new ArrayList<>();
            for (int i = 0; i < options.testCount; i++) {
                long testSeed = seed + i;
                Path runDir = runDir(options);
                System.out.printf("test %d/%d: %s, nemesis %s, %d s, seed %d -> %s%n", i + 1, options.testCount,
                        options.testName(), options.nemesis, options.timeLimit, testSeed, runDir);
                CheckResult result = new TestRun(options, distribution, runDir, testSeed, workload(options)).run();
                System.out.printf("test %d/%d: %s %s%s%s%n", i + 1, options.testCount, result.verdict(),
                        result.counts().isEmpty() ? "" : result.counts() + " ",
                        result.unknownReasons().isEmpty() ? "" : result.unknownReasons() + " ", runDir.resolve("index.html"));
                switch (result.verdict()) {
                    case INVALID -> invalid.add(runDir.toString());
                    case UNKNOWN -> unknown.add(runDir.toString());
                    case VALID -> { }
                }
            }
            if (!invalid.isEmpty()) {
                System.out.println(invalid.size() + " of " + options.testCount + " invalid: " + invalid);
                return 1;
            }
            if (!unknown.isEmpty()) {
                System.out.println(unknown.size() + " of " + options.testCount + " proved nothing (unknown): " + unknown);
                return 3;
            }
            System.out.println("all " + options.testCount + " valid");
            return 0;
        } catch (Exception e) {
            System.err.println("Error: " + e.getMessage());
            e.printStackTrace(System.err);
            return 2;
        }
    }

    static Workload workload(SuiteOptions options) {
        return switch (options.workload) {
            case "metadata" -> new MetadataWorkload();
            case "offsets" -> new OffsetsWorkload(QueueClient.named(options.client, options.groupProtocol));
            case "compacted" -> new CompactedWorkload(QueueClient.named(options.client));
            default -> new QueueWorkload(options.subscribe, QueueClient.named(options.client, options.groupProtocol));
        };
    }

    private static Path runDir(SuiteOptions options) throws IOException {
        String test = options.testName() + "-" + options.nemesis.replace(',', '+') + (options.unsafe ? "-unsafe" : "");
        Path parent = Path.of(options.store, test);
        Path dir = parent.resolve(ZonedDateTime.now(ZoneOffset.UTC).format(RUN_NAME));
        for (int n = 2; Files.exists(dir); n++) {
            dir = parent.resolve(ZonedDateTime.now(ZoneOffset.UTC).format(RUN_NAME) + "-" + n);
        }
        return Files.createDirectories(dir);
    }

    private static Path distribution(SuiteOptions options) throws IOException {
        if (options.distribution != null) {
            Path d = Path.of(options.distribution);
            if (!Files.isExecutable(d.resolve("bin/sluice"))) {
                throw new IllegalArgumentException(d + " has no bin/sluice; build it with ./mvnw package -pl deploy -am");
            }
            return d.toAbsolutePath();
        }
        Path target = Path.of("deploy/target");
        if (Files.isDirectory(target)) {
            try (Stream<Path> found = Files.find(target, 2, (p, a) -> Files.isExecutable(p.resolve("bin/sluice")))) {
                var first = found.findFirst();
                if (first.isPresent()) {
                    return first.get().toAbsolutePath();
                }
            }
        }
        throw new IllegalArgumentException("no distribution found under deploy/target; give --distribution or run ./sluice once");
    }
}
