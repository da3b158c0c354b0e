package io.sluice.jepsen.harness;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Finds the errors the nodes logged during a run: lines at ERROR level and uncaught exceptions (the
 * JVM's {@code Exception in thread}). They do not change the verdict (a node under faults logs errors
 * that are correct, such as a failed fsync under an EIO fault) but a person reading the report must see
 * them, since an unexpected one is often the first sign of a bug the checkers cannot see. Stateless.
 */
public final class NodeLogScan {
    /** Logback's level column, or the JVM's report of an exception nothing caught. */
    private static final Pattern ERROR = Pattern.compile("^\\S+ \\S+ +ERROR |^Exception in thread |\\bUncaught exception\\b");

    private NodeLogScan() {
    }

    /** What one node logged: how many error lines, and the first {@code keep} of them. */
    public record Errors(int node, int count, List<String> first) {
        public Map<String, Object> toJson() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("node", node);
            m.put("count", count);
            m.put("first", first);
            return m;
        }
    }

    /** Scans each node's log; a node without a log (never started) reports nothing. */
    public static List<Errors> scan(Map<Integer, Path> logs, int keep) throws IOException {
        List<Errors> found = new ArrayList<>();
        for (Map.Entry<Integer, Path> e : logs.entrySet()) {
            if (!Files.exists(e.getValue())) {
                continue;
            }
            int count = 0;
            List<String> first = new ArrayList<>();
            try (BufferedReader in = Files.newBufferedReader(e.getValue(), StandardCharsets.UTF_8)) {
                for (String line = in.readLine(); line != null; line = in.readLine()) {
                    if (ERROR.matcher(line).find()) {
                        count++;
                        if (first.size() < keep) {
                            first.add(line.length() > 400 ? line.substring(0, 400) + "..." : line);
                        }
                    }
                }
            }
            if (count > 0) {
                found.add(new Errors(e.getKey(), count, first));
            }
        }
        return found;
    }
}
