package io.sluice.deploy;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A {@code git clone} of this repository with nothing built, as a newcomer gets it, holding the
 * working tree's files as they are now (so uncommitted edits of the launchers are what is tested).
 * Its {@code mvnw} is replaced by a stand-in that records its arguments and "builds" by copying the
 * distribution this module has just packaged: the launchers' not-built branch runs for real in
 * seconds instead of a full build (CI's .ci/run does the full build on its own fresh clone).
 * Not thread-safe; one per test.
 */
final class FreshClone {
    /** The checkout the tests run in: failsafe runs with the deploy module as working directory. */
    static final Path ROOT = Path.of("").toAbsolutePath().getParent();
    private static final long TIMEOUT_S = 180;

    final Path dir;

    private FreshClone(Path dir) {
        this.dir = dir;
    }

    /** The result of one command: exit code, standard output and standard error. */
    record Result(int exit, String out, String err) {
        List<String> errLines() {
            return err.strip().lines().toList();
        }
    }

    static FreshClone create(Path parent) throws Exception {
        Path dir = parent.resolve("sluice");
        Result clone = exec(ROOT, Map.of(), "git", "clone", "-q", ROOT.toString(), dir.toString());
        assertTrue(clone.exit() == 0, "git clone failed: " + clone.err());
        String listed = exec(ROOT, Map.of(), "git", "ls-files", "-z", "--cached", "--others", "--exclude-standard").out();
        for (String file : listed.split("\0")) {
            if (file.isEmpty()) {
                continue;
            }
            Path from = ROOT.resolve(file);
            Path to = dir.resolve(file);
            if (Files.exists(from)) {
                Files.createDirectories(to.getParent());
                Files.copy(from, to, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.COPY_ATTRIBUTES);
            } else {
                Files.deleteIfExists(to); // deleted in the working tree, not yet committed
            }
        }
        FreshClone c = new FreshClone(dir);
        c.stubMaven();
        return c;
    }

    /** The distribution this module packaged: deploy/target/sluice-V/sluice-V. */
    static Path builtDistribution() throws IOException {
        try (Stream<Path> outer = Files.list(ROOT.resolve("deploy/target"))) {
            Path parent = outer.filter(p -> p.getFileName().toString().startsWith("sluice-") && Files.isDirectory(p))
                    .findFirst().orElseThrow(() -> new AssertionError("no distribution in deploy/target; run mvn package"));
            return parent.resolve(parent.getFileName());
        }
    }

    private void stubMaven() throws IOException {
        Path dist = builtDistribution();
        String script = String.join("\n",
                "#!/usr/bin/env bash",
                "# Stand-in for the Maven wrapper (FreshClone): records the call, then copies the built distribution.",
                "echo \"$*\" >> \"$(dirname \"$0\")/mvnw.calls\"",
                "if [[ -n ${STUB_BUILD_FAILS:-} ]]; then echo '[ERROR] COMPILATION ERROR (stub)'; exit 1; fi",
                "mkdir -p deploy/target/" + dist.getParent().getFileName(),
                "cp -r '" + dist + "' deploy/target/" + dist.getParent().getFileName() + "/",
                "");
        Path mvnw = dir.resolve("mvnw");
        Files.writeString(mvnw, script, StandardCharsets.UTF_8);
        Files.setPosixFilePermissions(mvnw, PosixFilePermissions.fromString("rwxr-xr-x"));
    }

    /** What the stand-in Maven was asked to do, one line per call. */
    List<String> mavenCalls() throws IOException {
        Path calls = dir.resolve("mvnw.calls");
        return Files.exists(calls) ? Files.readAllLines(calls) : List.of();
    }

    /** Runs {@code ./sluice ARGS} (or another launcher named first) in the clone. */
    Result run(Map<String, String> env, String... command) throws Exception {
        List<String> full = new ArrayList<>(Arrays.asList(command));
        full.set(0, dir.resolve(full.get(0)).toString());
        return exec(dir, env, full.toArray(new String[0]));
    }

    Result sluice(String... args) throws Exception {
        String[] command = new String[args.length + 1];
        command[0] = "sluice";
        System.arraycopy(args, 0, command, 1, args.length);
        return run(Map.of(), command);
    }

    /** Runs a process to its end; a value of null in {@code env} removes that variable. */
    static Result exec(Path cwd, Map<String, String> env, String... command) throws Exception {
        Path out = Files.createTempFile("sluice-test", ".out");
        Path err = Files.createTempFile("sluice-test", ".err");
        try {
            ProcessBuilder builder = new ProcessBuilder(command).directory(cwd.toFile())
                    .redirectOutput(out.toFile()).redirectError(err.toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
            Map<String, String> environment = builder.environment();
            environment.remove("SLUICE_DATA_DIR");
            new HashMap<>(env).forEach((k, v) -> {
                if (v == null) {
                    environment.remove(k);
                } else {
                    environment.put(k, v);
                }
            });
            Process p = builder.start();
            if (!p.waitFor(TIMEOUT_S, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                fail(String.join(" ", command) + " did not end within " + TIMEOUT_S + " s");
            }
            return new Result(p.exitValue(), Files.readString(out), Files.readString(err));
        } finally {
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
        }
    }
}
