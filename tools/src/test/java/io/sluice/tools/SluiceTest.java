package io.sluice.tools;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(10)
class SluiceTest {
    private static String[] run(String... args) {
        PrintStream err = System.err;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            int exit = Sluice.run(args);
            return new String[] {Integer.toString(exit), captured.toString(StandardCharsets.UTF_8).trim()};
        } finally {
            System.setErr(err);
        }
    }

    @Test
    void anUnknownOptionIsOneClearLineAndExit2() {
        String[] r = run("broker", "--node-id", "1", "--bogus", "x");
        assertEquals("2", r[0]);
        assertEquals("Error: unknown option --bogus. Run ./sluice broker --help for its options.", r[1]);
    }

    @Test
    void anUnknownCommandIsRefused() {
        String[] r = run("frobnicate");
        assertEquals("2", r[0]);
        assertTrue(r[1].startsWith("Unknown command 'frobnicate'"), r[1]);
    }

    @Test
    void aMissingOptionValueIsReported() {
        String[] r = run("quorum", "start", "--nodes");
        assertEquals("2", r[0]);
        assertTrue(r[1].startsWith("Error: ") && r[1].contains("--nodes"), r[1]);
    }
}
