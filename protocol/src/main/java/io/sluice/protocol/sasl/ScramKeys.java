package io.sluice.protocol.sasl;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import javax.crypto.Mac;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * The formulas of SCRAM (RFC 5802 section 3) for SCRAM-SHA-256 and SCRAM-SHA-512, shared by the
 * client's exchange ({@link ScramClient}) and the server's key derivation (bootstrap credentials): one
 * implementation of Hi, HMAC and H. Immutable and thread-safe.
 */
public enum ScramKeys {
    SHA_256("SCRAM-SHA-256", "SHA-256", "HmacSHA256", 256),
    SHA_512("SCRAM-SHA-512", "SHA-512", "HmacSHA512", 512);

    private final String mechanism;
    private final String hash;
    private final String hmac;
    private final int bits;

    ScramKeys(String mechanism, String hash, String hmac, int bits) {
        this.mechanism = mechanism;
        this.hash = hash;
        this.hmac = hmac;
        this.bits = bits;
    }

    /** The keys of a SCRAM mechanism name; an unknown name is an IllegalArgumentException. */
    public static ScramKeys of(String mechanism) {
        for (ScramKeys k : values()) {
            if (k.mechanism.equals(mechanism)) {
                return k;
            }
        }
        throw new IllegalArgumentException("not a SCRAM mechanism: " + mechanism);
    }

    public String mechanism() {
        return mechanism;
    }

    /** Hi(password, salt, i): PBKDF2 with the HMAC, one block of its length (the password as UTF-8). */
    public byte[] saltedPassword(String password, byte[] salt, int iterations) {
        try {
            return SecretKeyFactory.getInstance("PBKDF2With" + hmac)
                    .generateSecret(new PBEKeySpec(password.toCharArray(), salt, iterations, bits)).getEncoded();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot compute " + mechanism + " keys: " + e.getMessage(), e);
        }
    }

    public byte[] clientKey(byte[] saltedPassword) {
        return hmac(saltedPassword, "Client Key".getBytes(StandardCharsets.US_ASCII));
    }

    public byte[] serverKey(byte[] saltedPassword) {
        return hmac(saltedPassword, "Server Key".getBytes(StandardCharsets.US_ASCII));
    }

    public byte[] storedKey(byte[] clientKey) {
        try {
            return MessageDigest.getInstance(hash).digest(clientKey);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    public byte[] hmac(byte[] key, byte[] data) {
        try {
            Mac mac = Mac.getInstance(hmac);
            mac.init(new SecretKeySpec(key, hmac));
            return mac.doFinal(data);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
