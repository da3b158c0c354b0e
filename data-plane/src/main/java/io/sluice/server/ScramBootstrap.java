package io.sluice.server;

import io.sluice.metadata.MetadataNode;
import io.sluice.protocol.ErrorCode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import io.sluice.protocol.sasl.ScramKeys;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The first SCRAM users of a cluster, Sluice's counterpart of Kafka's {@code kafka-storage format
 * --add-scram}: a file ({@code sasl.scram.bootstrap.file}) of credentials already salted and derived
 * (RFC 5802: salt, StoredKey, ServerKey, iterations; never a password), one
 * {@code user mechanism iterations salt storedKey serverKey} (Base64) a line. A node submits each one
 * that the metadata image does not have yet, retrying until the quorum takes it; a user that exists
 * is left alone, so a password changed later is never reset by a restart. {@code quorum start
 * --security sasl_ssl} writes the file for its {@code admin} user.
 *
 * <p>{@link #derive} and the file format are pure; {@link #start} runs one daemon thread until done.
 */
public final class ScramBootstrap {
    private static final Logger log = LoggerFactory.getLogger(ScramBootstrap.class);

    /** One user's credential for one mechanism. */
    public record Entry(String user, ScramCredentialService.Credential credential) {
    }

    private ScramBootstrap() {
    }

    /** RFC 5802's keys for {@code password} (SCRAM-SHA-256 or SCRAM-SHA-512) with a fresh 32-byte salt. */
    public static ScramCredentialService.Credential derive(String mechanism, String password, int iterations,
                                                           SecureRandom random) {
        ScramKeys keys = ScramKeys.of(mechanism);
        byte[] salt = new byte[32];
        random.nextBytes(salt);
        byte[] salted = keys.saltedPassword(password, salt, iterations);
        return new ScramCredentialService.Credential(mechanism, salt, keys.storedKey(keys.clientKey(salted)),
                keys.serverKey(salted), iterations);
    }

    public static String line(Entry e) {
        Base64.Encoder b64 = Base64.getEncoder();
        ScramCredentialService.Credential c = e.credential();
        return e.user() + " " + c.mechanism() + " " + c.iterations() + " " + b64.encodeToString(c.salt()) + " "
                + b64.encodeToString(c.storedKey()) + " " + b64.encodeToString(c.serverKey());
    }

    /** Reads the file; a bad line is refused with its number. */
    public static List<Entry> read(Path file) throws IOException {
        List<Entry> out = new ArrayList<>();
        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).trim();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            String[] f = line.split("\\s+");
            try {
                Base64.Decoder b64 = Base64.getDecoder();
                out.add(new Entry(f[0], new ScramCredentialService.Credential(f[1].toUpperCase(Locale.ROOT),
                        b64.decode(f[3]), b64.decode(f[4]), b64.decode(f[5]), Integer.parseInt(f[2]))));
            } catch (RuntimeException e) {
                throw new IllegalArgumentException("sasl.scram.bootstrap.file " + file + " line " + (i + 1)
                        + " is not 'user mechanism iterations salt storedKey serverKey'");
            }
        }
        return out;
    }

    /** Submits, on a daemon thread, each entry the quorum does not have yet, until all are there or the node stops. */
    public static Thread start(List<Entry> entries, MetadataNode metadata, ScramCredentialService service) {
        Thread t = new Thread(() -> {
            try {
                for (Entry e : entries) {
                    while (metadata.image().scram().credential(e.user(), e.credential().mechanism()) == null) {
                        try {
                            ScramCredentialService.Outcome outcome = service.alter(e.user(), List.of(e.credential()),
                                    List.of()).get(10, TimeUnit.SECONDS);
                            if (outcome.error() == ErrorCode.NONE) {
                                log.info("Stored the bootstrap SCRAM credential of {} ({})", e.user(), e.credential().mechanism());
                                break;
                            }
                        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException ex) {
                            // no metadata leader yet: try again
                        }
                        Thread.sleep(500);
                    }
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "scram-bootstrap");
        t.setDaemon(true);
        t.start();
        return t;
    }
}
