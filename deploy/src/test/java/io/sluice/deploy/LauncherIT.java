package io.sluice.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sluice.deploy.FreshClone.Result;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * ./sluice and ./sluice-jepsen as a newcomer meets them, on a fresh clone with nothing built (issue
 * 13): they say they are building, build, and run; a failed build, no Java, or a Java older than 17
 * each end with one line and a non-zero exit, never silently.
 */
@Timeout(300)
class LauncherIT {
    @TempDir
    Path tmp;

    @Test
    void aFreshCloneSaysItBuildsThenRuns() throws Exception {
        FreshClone clone = FreshClone.create(tmp);
        Result help = clone.sluice("--help");
        assertEquals(0, help.exit(), help.err());
        assertTrue(help.err().startsWith("Building the Sluice distribution"), help.err());
        assertTrue(help.out().startsWith("Usage: ./sluice COMMAND"), help.out());
        assertEquals(1, clone.mavenCalls().size());
        assertTrue(clone.mavenCalls().get(0).contains("package -pl deploy -am"), clone.mavenCalls().toString());

        Result version = clone.sluice("--version");
        assertEquals(0, version.exit(), version.err());
        assertEquals("", version.err(), "built once, not again");
        assertTrue(version.out().startsWith("Sluice "), version.out());
        assertEquals(1, clone.mavenCalls().size());
    }

    @Test
    void aChangedSourceIsBuiltAgain() throws Exception {
        FreshClone clone = FreshClone.create(tmp);
        assertEquals(0, clone.sluice("--version").exit());
        Files.setLastModifiedTime(clone.dir.resolve("deploy/target/.built-by-sluice"),
                FileTime.from(Instant.now().minusSeconds(3600)));
        Path source = clone.dir.resolve("tools/src/main/java/io/sluice/tools/Sluice.java");
        Files.setLastModifiedTime(source, FileTime.from(Instant.now()));
        Result again = clone.sluice("--version");
        assertEquals(0, again.exit(), again.err());
        assertTrue(again.err().contains("again (sources changed)"), again.err());
        assertEquals(2, clone.mavenCalls().size());
    }

    @Test
    void aDistributionBuiltByMavenIsTakenAsItIs() throws Exception {
        // The README's set-up commands in the other order: ./mvnw verify first, then ./sluice.
        FreshClone clone = FreshClone.create(tmp);
        Path dist = FreshClone.builtDistribution();
        Path target = clone.dir.resolve("deploy/target").resolve(dist.getParent().getFileName());
        Files.createDirectories(target);
        assertEquals(0, FreshClone.exec(clone.dir, Map.of(), "cp", "-r", dist.toString(), target.toString()).exit());
        Result version = clone.sluice("--version");
        assertEquals(0, version.exit(), version.err());
        assertEquals("", version.err());
        assertEquals(List.of(), clone.mavenCalls());
    }

    @ParameterizedTest
    @ValueSource(strings = {"sluice", "sluice-jepsen"})
    void aFailedBuildIsOneLineAndExitOne(String launcher) throws Exception {
        FreshClone clone = FreshClone.create(tmp);
        Result r = clone.run(Map.of("STUB_BUILD_FAILS", "1"), launcher, "--help");
        assertEquals(1, r.exit(), r.err());
        List<String> lines = r.errLines();
        assertTrue(lines.get(0).startsWith("Building the Sluice distribution"), r.err());
        assertEquals(1, lines.stream().filter(l -> l.startsWith("Error:")).count(), r.err());
        assertTrue(lines.get(lines.size() - 1).startsWith("Error: the build failed"), r.err());
        if (launcher.equals("sluice-jepsen")) {
            assertTrue(lines.get(0).contains("fault-injection suite"), r.err());
            assertTrue(clone.mavenCalls().get(0).contains("-pl deploy,jepsen-tests -am"), clone.mavenCalls().toString());
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"sluice", "sluice-jepsen"})
    void noJavaIsOneLineAndExitOne(String launcher) throws Exception {
        FreshClone clone = FreshClone.create(tmp);
        Path bin = Files.createDirectories(tmp.resolve("bin-without-java"));
        for (String tool : List.of("bash", "dirname", "find", "readlink", "touch", "id", "env")) {
            // A wrapper rather than a symbolic link: JUnit warns about links out of a temporary directory.
            String real = FreshClone.exec(tmp, Map.of(), "bash", "-c", "command -v " + tool).out().strip();
            Files.writeString(bin.resolve(tool), "#!/bin/sh\nexec " + real + " \"$@\"\n", StandardCharsets.UTF_8);
            Files.setPosixFilePermissions(bin.resolve(tool), PosixFilePermissions.fromString("rwxr-xr-x"));
        }
        Map<String, String> env = new HashMap<>();
        env.put("PATH", bin.toString());
        env.put("JAVA_HOME", null);
        Result r = clone.run(env, launcher, "--help");
        assertEquals(1, r.exit(), r.err());
        assertEquals(List.of("Error: no Java found; install a JDK 17 or newer (e.g. apt-get install "
                + "openjdk-17-jdk-headless) or set JAVA_HOME"), r.errLines());
        assertEquals(List.of(), clone.mavenCalls(), "nothing is built without Java");
    }

    @ParameterizedTest
    @ValueSource(strings = {"sluice", "sluice-jepsen"})
    void anOldJavaIsOneLineAndExitOne(String launcher) throws Exception {
        FreshClone clone = FreshClone.create(tmp);
        Path java = Files.createDirectories(tmp.resolve("jdk11/bin")).resolve("java");
        Files.writeString(java, "#!/bin/sh\necho 'openjdk version \"11.0.21\" 2023-10-17' >&2\n", StandardCharsets.UTF_8);
        Files.setPosixFilePermissions(java, PosixFilePermissions.fromString("rwxr-xr-x"));
        Result r = clone.run(Map.of("JAVA_HOME", tmp.resolve("jdk11").toString()), launcher, "--help");
        assertEquals(1, r.exit(), r.err());
        assertEquals(1, r.errLines().size(), r.err());
        assertTrue(r.err().startsWith("Error: " + java + " is Java 11 but Sluice needs Java 17 or newer"), r.err());
        assertFalse(r.err().contains("Building"), r.err());
    }
}
