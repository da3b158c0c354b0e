package io.sluice.jepsen.harness;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs short system commands (ip, iptables, kill) with a time bound, so a hung command cannot hang
 * the suite. Stateless and thread-safe.
 */
public final class Shell {
    private static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(20);

    /** The exit code and combined output of a command. */
    public record Result(int exitCode, String output) {
        public boolean ok() {
            return exitCode == 0;
        }
    }

    private Shell() {
    }

    /** Runs a command and returns its outcome; a command that outlives the timeout is killed (exit -1). */
    public static Result run(List<String> command, Duration timeout) {
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
            InputStream in = p.getInputStream();
            if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                p.destroyForcibly();
                return new Result(-1, String.join(" ", command) + ": timed out after " + timeout.toSeconds() + " s");
            }
            return new Result(p.exitValue(), new String(in.readAllBytes(), StandardCharsets.UTF_8).trim());
        } catch (IOException e) {
            return new Result(-1, String.join(" ", command) + ": " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Result(-1, String.join(" ", command) + ": interrupted");
        }
    }

    public static Result run(String... command) {
        return run(List.of(command), DEFAULT_TIMEOUT);
    }

    /** Runs a command that must succeed; throws with its output otherwise. */
    public static String check(String... command) {
        Result r = run(command);
        if (!r.ok()) {
            throw new IllegalStateException(String.join(" ", command) + " failed (" + r.exitCode() + "): " + r.output());
        }
        return r.output();
    }
}
