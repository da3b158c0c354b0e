package io.sluice.image;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The container image tarball (target/sluice-image.tar, built by Jib) without a container engine:
 * its manifest and configuration, its layers unpacked in order into a root file system, and three
 * nodes run from that file system as a runtime would run the image (its entrypoint, environment and
 * user; own mount and PID namespaces with /proc and the basic devices; chroot), forming a quorum.
 * What this cannot show: the image under a real engine's network, cgroups and volume handling.
 */
@Timeout(value = 240, unit = TimeUnit.SECONDS)
class ImageIT {
    private static final Path TAR = Path.of(System.getProperty("image.tar", "target/sluice-image.tar"));
    private static final Path WORK = TAR.resolveSibling("image-it");
    private static final ObjectMapper JSON = new ObjectMapper();
    private static JsonNode config;
    private static Path root;

    @BeforeAll
    static void unpack() throws Exception {
        assertTrue(Files.isRegularFile(TAR), TAR + " is missing: build with -Pimage");
        refuseMountsUnder(WORK);
        run(List.of("rm", "-rf", WORK.toString()));
        Path image = Files.createDirectories(WORK.resolve("image"));
        run(List.of("tar", "-xf", TAR.toString(), "-C", image.toString()));
        JsonNode manifest = JSON.readTree(image.resolve("manifest.json").toFile()).get(0);
        config = JSON.readTree(image.resolve(manifest.get("Config").asText()).toFile());
        root = Files.createDirectories(WORK.resolve("rootfs"));
        for (JsonNode layer : manifest.get("Layers")) { // in order: a later layer's file wins
            run(List.of("tar", "-xzf", image.resolve(layer.asText()).toString(), "-C", root.toString()));
        }
    }

    @Test
    void configurationRunsTheNodeLauncherAsAnUnprivilegedUser() {
        JsonNode c = config.get("config");
        assertEquals(List.of("/opt/sluice/bin/sluice", "broker", "--env"), strings(c.get("Entrypoint")));
        assertTrue(c.get("Cmd") == null || c.get("Cmd").isNull() || c.get("Cmd").isEmpty());
        assertEquals("1000:1000", c.get("User").asText());
        assertEquals("/opt/sluice", c.get("WorkingDir").asText());
        assertEquals(Set.of("9092/tcp", "19092/tcp", "10092/tcp"), fieldNames(c.get("ExposedPorts")));
        assertEquals(Set.of("/var/lib/sluice"), fieldNames(c.get("Volumes")));
        Map<String, String> env = env();
        assertEquals("/opt/java", env.get("JAVA_HOME"));
        assertEquals("0.0.0.0:9092", env.get("SLUICE_LISTEN"));
        assertEquals("/var/lib/sluice", env.get("SLUICE_DATA_DIR"));
        assertEquals("amd64", config.get("architecture").asText());
        assertEquals("linux", config.get("os").asText());
    }

    @Test
    void layersHoldTheRuntimeTheDistributionAndTheLibrariesTheyLoad() throws IOException {
        for (String exe : List.of("opt/sluice/bin/sluice", "opt/java/bin/java", "bin/bash", "usr/bin/env",
                "usr/bin/dirname", "lib64/ld-linux-x86-64.so.2")) {
            assertTrue(Files.isExecutable(root.resolve(exe)), exe + " is not an executable file of the image");
        }
        for (String file : List.of("lib/x86_64-linux-gnu/libc.so.6", "lib/x86_64-linux-gnu/libz.so.1",
                "lib/x86_64-linux-gnu/libstdc++.so.6", "opt/java/lib/server/libjvm.so", "opt/sluice/config/logback.xml",
                "etc/passwd", "etc/nsswitch.conf")) {
            assertTrue(Files.isRegularFile(root.resolve(file)), file + " is missing from the image");
        }
        assertTrue(Files.readString(root.resolve("etc/passwd")).contains(":1000:1000:"), "no user 1000 in /etc/passwd");
        try (Stream<Path> lib = Files.list(root.resolve("opt/sluice/lib"))) {
            List<String> jars = lib.map(p -> p.getFileName().toString()).toList();
            assertTrue(jars.stream().anyMatch(j -> j.startsWith("sluice-tools-")), jars.toString());
            assertTrue(jars.stream().anyMatch(j -> j.startsWith("sluice-kafka-protocol-")), jars.toString());
        }
        for (String dir : List.of("var/lib/sluice", "tmp")) { // written by user 1000
            assertTrue(Files.getPosixFilePermissions(root.resolve(dir)).contains(PosixFilePermission.OTHERS_WRITE), dir);
        }
        assertFalse(Files.exists(root.resolve("app/libs")), "Jib added the module's dependencies to the image");
    }

    @Test
    void threeNodesStartedFromTheImageFormAQuorumAndBecomeReady() throws Exception {
        assumeTrue("root".equals(System.getProperty("user.name")) && Files.isExecutable(Path.of("/usr/bin/unshare")),
                "running the image's file system needs root and unshare");
        int base = Integer.getInteger("image.it.base.port", 35100);
        String voters = "0@127.0.0.1:" + (base + 10) + ",1@127.0.0.1:" + (base + 11) + ",2@127.0.0.1:" + (base + 12);
        List<Process> nodes = new ArrayList<>();
        try {
            for (int id = 0; id < 3; id++) {
                Map<String, String> node = new LinkedHashMap<>();
                node.put("SLUICE_NODE_ID", Integer.toString(id));
                node.put("SLUICE_VOTERS", voters);
                node.put("SLUICE_RAFT_ADDRESS", "127.0.0.1:" + (base + 10 + id));
                // The host's network: the image's 0.0.0.0:9092 would collide, so each node its port.
                node.put("SLUICE_LISTEN", "127.0.0.1:" + (base + id));
                // One file system for three nodes: each its directory, where a container has its volume.
                node.put("SLUICE_DATA_DIR", "/var/lib/sluice/node-" + id);
                node.put("SLUICE_HEAP_OPTS", "-Xms128m -Xmx256m");
                nodes.add(startFromImage(node, WORK.resolve("node-" + id + ".log")));
            }
            HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
            for (int id = 0; id < 3; id++) {
                URI ready = URI.create("http://127.0.0.1:" + (base + 1000 + id) + "/ready");
                Process p = nodes.get(id);
                int node = id;
                await("node " + id + " ready (log: " + WORK.resolve("node-" + id + ".log") + ")")
                        .atMost(Duration.ofSeconds(150)).pollInterval(Duration.ofMillis(500)).until(() -> {
                            assertTrue(p.isAlive(), "node " + node + " exited: " + log(node));
                            return status(http, ready) == 200;
                        });
            }
            String metrics = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + (base + 1000) + "/metrics"))
                    .build(), HttpResponse.BodyHandlers.ofString()).body();
            assertTrue(metrics.contains("sluice_raft_leader_id"), "no Raft metrics served from the image");
            // Each node wrote its data as user 1000, in the image's volume directory.
            for (int id = 0; id < 3; id++) {
                Path dir = root.resolve("var/lib/sluice/node-" + id);
                assertEquals(1000, Files.getAttribute(dir, "unix:uid"), dir.toString());
            }
        } finally {
            // SIGTERM to the node itself (a controlled shutdown), as a runtime stops a container's
            // process; unshare does not pass signals on (and --kill-child would not reach it either:
            // chroot --userspec changes its user, which clears the parent-death signal).
            List<ProcessHandle> all = new ArrayList<>();
            for (Process p : nodes) {
                p.descendants().forEach(all::add);
                all.add(p.toHandle());
            }
            all.forEach(ProcessHandle::destroy);
            for (ProcessHandle h : all) {
                try {
                    h.onExit().get(30, TimeUnit.SECONDS);
                } catch (java.util.concurrent.TimeoutException e) {
                    h.destroyForcibly();
                }
            }
        }
    }

    /**
     * Runs the image's entrypoint as a runtime would: the configuration's environment plus
     * {@code node}'s, its user and working directory, in new mount and PID namespaces holding /proc,
     * a /dev of the four devices a JVM opens and the host's /etc/hosts, chrooted into the layers.
     */
    private static Process startFromImage(Map<String, String> node, Path log) throws IOException {
        JsonNode c = config.get("config");
        Map<String, String> env = env();
        env.putAll(node);
        String r = root.toString();
        Files.createDirectories(root.resolve("proc"));
        Files.createDirectories(root.resolve("dev"));
        if (!Files.exists(root.resolve("etc/hosts"))) {
            Files.createFile(root.resolve("etc/hosts"));
        }
        String setup = "mount -t proc proc " + r + "/proc && mount -t tmpfs tmpfs " + r + "/dev"
                + " && for d in null zero random urandom; do touch " + r + "/dev/$d && mount --bind /dev/$d " + r
                + "/dev/$d; done && mount --bind /etc/hosts " + r + "/etc/hosts && exec \"$@\"";
        List<String> command = new ArrayList<>(List.of("unshare", "--mount", "--propagation", "private", "--pid",
                "--fork", "bash", "-c", setup, "setup", "env", "-i"));
        env.forEach((k, v) -> command.add(k + "=" + v));
        command.addAll(List.of("/usr/sbin/chroot", "--userspec=" + c.get("User").asText(), r,
                "/usr/bin/env", "-C", c.get("WorkingDir").asText()));
        command.addAll(strings(c.get("Entrypoint")));
        return new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    }

    private static Map<String, String> env() {
        Map<String, String> env = new LinkedHashMap<>();
        for (JsonNode kv : config.get("config").get("Env")) {
            String s = kv.asText();
            env.put(s.substring(0, s.indexOf('=')), s.substring(s.indexOf('=') + 1));
        }
        return env;
    }

    private static String log(int id) throws IOException {
        List<String> lines = Files.readAllLines(WORK.resolve("node-" + id + ".log"));
        return String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size()));
    }

    private static int status(HttpClient http, URI uri) {
        try {
            return http.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(2)).build(),
                    HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (IOException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    private static List<String> strings(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(n -> out.add(n.asText()));
        return out;
    }

    private static Set<String> fieldNames(JsonNode object) {
        Set<String> names = new java.util.TreeSet<>();
        object.fieldNames().forEachRemaining(names::add);
        return names;
    }

    /** A mount left under the work directory must not be deleted through (it could be a host's /dev). */
    private static void refuseMountsUnder(Path dir) throws IOException {
        String prefix = dir.toAbsolutePath().normalize() + "/";
        for (String line : Files.readAllLines(Path.of("/proc/self/mountinfo"))) {
            String mountPoint = line.split(" ")[4];
            if (mountPoint.startsWith(prefix)) {
                throw new IllegalStateException(mountPoint + " is mounted; unmount it before running ImageIT again");
            }
        }
    }

    private static void run(List<String> command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        if (!p.waitFor(120, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IOException(command + " failed: " + out);
        }
    }
}
