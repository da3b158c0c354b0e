package io.sluice.protocol.sasl;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;

/**
 * The client side of SCRAM (RFC 5802, RFC 7677) without channel binding ({@code n,,}):
 * client-first {@code n,,n=user,r=cnonce}; then, from the server-first message's nonce, salt and
 * iteration count, client-final {@code c=biws,r=nonce,p=proof}; then it checks the server's signature
 * ({@code v=}), so a server that does not hold the user's keys is refused too. The combined nonce must
 * start with the client's. Not thread-safe (one per connection).
 */
public final class ScramClient implements SaslClientExchange {
    private static final int MIN_ITERATIONS = 4096;
    private final ScramKeys keys;
    private final String user;
    private final String password;
    private final String clientNonce;
    private String clientFirstBare;
    private byte[] expectedServerSignature;
    private boolean complete;

    ScramClient(ScramKeys keys, String user, String password) {
        this(keys, user, password, newNonce());
    }

    /** With a given client nonce, for RFC 7677's test vectors. */
    public ScramClient(ScramKeys keys, String user, String password, String clientNonce) {
        this.keys = keys;
        this.user = user;
        this.password = password;
        this.clientNonce = clientNonce;
    }

    private static String newNonce() {
        byte[] bytes = new byte[24];
        new SecureRandom().nextBytes(bytes);
        return Base64.getEncoder().withoutPadding().encodeToString(bytes).replace('+', '-').replace('/', '_');
    }

    @Override
    public byte[] initial() {
        clientFirstBare = "n=" + user.replace("=", "=3D").replace(",", "=2C") + ",r=" + clientNonce;
        return ("n,," + clientFirstBare).getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public byte[] evaluate(byte[] challenge) {
        String message = new String(challenge, StandardCharsets.UTF_8);
        if (expectedServerSignature == null) {
            return clientFinal(message);
        }
        Map<String, String> fields = fields(message);
        if (fields.containsKey("e")) {
            throw new SaslFailure("the server refused the authentication: " + fields.get("e"));
        }
        String v = fields.get("v");
        if (v == null || !MessageDigest.isEqual(Base64.getDecoder().decode(v), expectedServerSignature)) {
            throw new SaslFailure("the server's SCRAM signature is wrong: it does not hold this user's keys");
        }
        complete = true;
        return null;
    }

    private byte[] clientFinal(String serverFirst) {
        Map<String, String> fields = fields(serverFirst);
        String nonce = fields.get("r");
        String salt = fields.get("s");
        String iterations = fields.get("i");
        if (nonce == null || salt == null || iterations == null || !nonce.startsWith(clientNonce)
                || nonce.length() == clientNonce.length()) {
            throw new SaslFailure("malformed SCRAM server-first message");
        }
        int i;
        try {
            i = Integer.parseInt(iterations);
        } catch (NumberFormatException e) {
            throw new SaslFailure("malformed SCRAM iteration count");
        }
        if (i < MIN_ITERATIONS) {
            throw new SaslFailure("SCRAM iteration count " + i + " is below " + MIN_ITERATIONS);
        }
        byte[] salted = keys.saltedPassword(password, Base64.getDecoder().decode(salt), i);
        String withoutProof = "c=biws,r=" + nonce;
        byte[] authMessage = (clientFirstBare + "," + serverFirst + "," + withoutProof).getBytes(StandardCharsets.UTF_8);
        byte[] clientKey = keys.clientKey(salted);
        byte[] signature = keys.hmac(keys.storedKey(clientKey), authMessage);
        byte[] proof = new byte[clientKey.length];
        for (int b = 0; b < proof.length; b++) {
            proof[b] = (byte) (clientKey[b] ^ signature[b]);
        }
        expectedServerSignature = keys.hmac(keys.serverKey(salted), authMessage);
        return (withoutProof + ",p=" + Base64.getEncoder().encodeToString(proof)).getBytes(StandardCharsets.UTF_8);
    }

    private static Map<String, String> fields(String message) {
        Map<String, String> fields = new HashMap<>();
        for (String part : message.split(",")) {
            int eq = part.indexOf('=');
            if (eq == 1) {
                fields.putIfAbsent(part.substring(0, 1), part.substring(2));
            }
        }
        return fields;
    }

    @Override
    public boolean isComplete() {
        return complete;
    }
}
