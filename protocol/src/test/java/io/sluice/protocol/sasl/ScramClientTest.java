package io.sluice.protocol.sasl;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The SCRAM client against RFC 7677's SCRAM-SHA-256 exchange, and what it refuses. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class ScramClientTest {
    private static final String NONCE = "rOprNGfwEbeRWgbNEkqO";
    private static final String SERVER_FIRST =
            "r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096";

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static ScramClient client() {
        return new ScramClient(ScramKeys.SHA_256, "user", "pencil", NONCE);
    }

    @Test
    void producesRfc7677sMessagesAndAcceptsTheServerSignature() {
        ScramClient c = client();
        assertArrayEquals(bytes("n,,n=user,r=" + NONCE), c.initial());
        assertArrayEquals(bytes("c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,"
                + "p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ="), c.evaluate(bytes(SERVER_FIRST)));
        assertFalse(c.isComplete());
        assertNull(c.evaluate(bytes("v=6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4=")));
        assertTrue(c.isComplete());
    }

    @Test
    void refusesAServerThatDoesNotHoldTheKeysOrChangesTheNonce() {
        ScramClient forged = client();
        forged.initial();
        forged.evaluate(bytes(SERVER_FIRST));
        assertThrows(SaslClientExchange.SaslFailure.class,
                () -> forged.evaluate(bytes("v=AAAATRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4=")));
        assertFalse(forged.isComplete());

        ScramClient otherNonce = client();
        otherNonce.initial();
        assertThrows(SaslClientExchange.SaslFailure.class,
                () -> otherNonce.evaluate(bytes("r=someoneElse123,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096")));
        ScramClient fewIterations = client();
        fewIterations.initial();
        assertThrows(SaslClientExchange.SaslFailure.class, () -> fewIterations.evaluate(bytes(
                "r=rOprNGfwEbeRWgbNEkqOxyz,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=1")));
    }

    @Test
    void readsUserAndPasswordFromAJaasLineAndNeverPrintsThePassword() {
        SaslCredentials c = SaslCredentials.fromJaas("scram-sha-512",
                "org.apache.kafka.common.security.scram.ScramLoginModule required username=\"alice\" password=\"s3cr\\\"et\";");
        assertEquals("SCRAM-SHA-512", c.mechanism());
        assertEquals("alice", c.username());
        assertEquals("s3cr\"et", c.password());
        assertFalse(c.toString().contains("s3cr"));
        assertThrows(IllegalArgumentException.class, () -> SaslCredentials.fromJaas("PLAIN", "username=\"alice\";"));
        assertThrows(IllegalArgumentException.class, () -> new SaslCredentials("MD5", "a", "b"));
    }
}
