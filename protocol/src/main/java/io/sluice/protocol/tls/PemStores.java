package io.sluice.protocol.tls;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * In-memory JSSE key and trust stores from PEM text (Kafka's {@code ssl.keystore.type=PEM}), for the
 * transports that take JSSE managers rather than Netty contexts. Unencrypted PKCS#8 keys only
 * (RSA, EC). Pure; thread-safe.
 */
final class PemStores {
    private static final Pattern CERT = Pattern.compile(
            "-----BEGIN CERTIFICATE-----([A-Za-z0-9+/=\\s]+)-----END CERTIFICATE-----");
    private static final Pattern KEY = Pattern.compile(
            "-----BEGIN PRIVATE KEY-----([A-Za-z0-9+/=\\s]+)-----END PRIVATE KEY-----");

    private PemStores() {
    }

    static KeyStore keyStore(String keyPem, String chainPem, String scope) {
        Matcher m = KEY.matcher(keyPem);
        if (!m.find()) {
            throw new IllegalArgumentException("no unencrypted PKCS#8 private key (BEGIN PRIVATE KEY) in the PEM"
                    + " keystore (" + scope + ")");
        }
        byte[] der = decode(m.group(1));
        try {
            PrivateKey key = null;
            for (String algorithm : List.of("EC", "RSA")) {
                try {
                    key = KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(der));
                    break;
                } catch (GeneralSecurityException e) {
                    // try the next algorithm
                }
            }
            if (key == null) {
                throw new IllegalArgumentException("the PEM private key is neither EC nor RSA (" + scope + ")");
            }
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(null, null);
            store.setKeyEntry("key", key, new char[0], certificates(chainPem, scope).toArray(Certificate[]::new));
            return store;
        } catch (GeneralSecurityException | java.io.IOException e) {
            throw new IllegalArgumentException("cannot read the PEM keystore (" + scope + "): " + e.getMessage(), e);
        }
    }

    static KeyStore trustStore(String pem, String scope) {
        try {
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(null, null);
            int i = 0;
            for (Certificate c : certificates(pem, scope)) {
                store.setCertificateEntry("ca-" + i++, c);
            }
            return store;
        } catch (GeneralSecurityException | java.io.IOException e) {
            throw new IllegalArgumentException("cannot read the PEM truststore (" + scope + "): " + e.getMessage(), e);
        }
    }

    private static List<Certificate> certificates(String pem, String scope) throws GeneralSecurityException {
        CertificateFactory factory = CertificateFactory.getInstance("X.509");
        List<Certificate> out = new ArrayList<>();
        Matcher m = CERT.matcher(pem);
        while (m.find()) {
            out.add(factory.generateCertificate(new ByteArrayInputStream(decode(m.group(1)))));
        }
        if (out.isEmpty()) {
            throw new IllegalArgumentException("no certificate (BEGIN CERTIFICATE) in the PEM text (" + scope + ")");
        }
        return out;
    }

    private static byte[] decode(String base64) {
        return Base64.getMimeDecoder().decode(base64.getBytes(StandardCharsets.US_ASCII));
    }
}
