package io.sluice.network;

import java.io.IOException;
import java.io.OutputStream;
import java.io.StringWriter;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import javax.security.auth.x500.X500Principal;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * A private certificate authority for a local cluster ({@code quorum start --security}) and for tests:
 * an EC P-256 CA that signs node and user certificates, written as PEM (a key file holds the PKCS#8
 * key then the chain, as Kafka's {@code ssl.keystore.type=PEM} reads it) or PKCS12. Keys stay in
 * memory and in files readable by their owner only. Immutable; thread-safe.
 */
public final class CertificateAuthority {
    private static final SecureRandom RANDOM = new SecureRandom();
    private final KeyPair keys;
    private final X509Certificate certificate;

    private CertificateAuthority(KeyPair keys, X509Certificate certificate) {
        this.keys = keys;
        this.certificate = certificate;
    }

    /** A key pair and its chain (the certificate, then the CA's). */
    public record Issued(KeyPair keys, List<X509Certificate> chain) {
        public X509Certificate certificate() {
            return chain.get(0);
        }

        /** The PKCS#8 key then the chain, in one PEM file, owner-readable only. */
        public void writePem(Path file) throws IOException {
            writePrivate(file, pem(keys.getPrivate()) + pem(chain.toArray()));
        }

        /** A PKCS12 keystore with the key under alias {@code alias}, protected by {@code password}. */
        public void writePkcs12(Path file, String alias, char[] password) throws IOException {
            try {
                KeyStore store = KeyStore.getInstance("PKCS12");
                store.load(null, null);
                store.setKeyEntry(alias, keys.getPrivate(), password, chain.toArray(Certificate[]::new));
                try (OutputStream out = Files.newOutputStream(file)) {
                    store.store(out, password);
                }
            } catch (GeneralSecurityException e) {
                throw new IOException("cannot write the keystore " + file + ": " + e.getMessage(), e);
            }
        }
    }

    /** A new CA, valid from now for {@code validDays}. */
    public static CertificateAuthority create(String commonName, int validDays) {
        try {
            KeyPair keys = newKeys();
            X500Principal name = new X500Principal("CN=" + commonName);
            Instant now = Instant.now();
            X509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(name, serial(), Date.from(now.minusSeconds(60)),
                    Date.from(now.plusSeconds(validDays * 86_400L)), name, keys.getPublic());
            JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
            b.addExtension(Extension.basicConstraints, true, new BasicConstraints(0));
            b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
            b.addExtension(Extension.subjectKeyIdentifier, false, ext.createSubjectKeyIdentifier(keys.getPublic()));
            return new CertificateAuthority(keys, sign(b, keys));
        } catch (GeneralSecurityException | IOException | OperatorCreationException e) {
            throw new IllegalStateException("cannot create a CA: " + e.getMessage(), e);
        }
    }

    public X509Certificate certificate() {
        return certificate;
    }

    /** The CA certificate as PEM, what clients trust ({@code ssl.truststore.type=PEM}, kcat's {@code ssl.ca.location}). */
    public String certificatePem() {
        return pem(certificate);
    }

    /**
     * A certificate for {@code subjectDn} (e.g. {@code CN=node-1,OU=sluice}), usable by a server and a client,
     * valid for the host names and IP addresses in {@code hosts}, from {@code notBefore} to {@code notAfter}.
     */
    public Issued issue(String subjectDn, List<String> hosts, Instant notBefore, Instant notAfter) {
        try {
            KeyPair subject = newKeys();
            X509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(certificate, serial(), Date.from(notBefore),
                    Date.from(notAfter), new X500Principal(subjectDn), subject.getPublic());
            JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
            b.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
            b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature | KeyUsage.keyAgreement));
            b.addExtension(Extension.extendedKeyUsage, false, new org.bouncycastle.asn1.x509.ExtendedKeyUsage(
                    new org.bouncycastle.asn1.x509.KeyPurposeId[]{org.bouncycastle.asn1.x509.KeyPurposeId.id_kp_serverAuth,
                            org.bouncycastle.asn1.x509.KeyPurposeId.id_kp_clientAuth}));
            b.addExtension(Extension.authorityKeyIdentifier, false, ext.createAuthorityKeyIdentifier(certificate));
            if (!hosts.isEmpty()) {
                List<GeneralName> names = new ArrayList<>();
                for (String h : hosts) {
                    names.add(isIp(h) ? new GeneralName(GeneralName.iPAddress, h) : new GeneralName(GeneralName.dNSName, h));
                }
                b.addExtension(Extension.subjectAlternativeName, false,
                        new GeneralNames(names.toArray(GeneralName[]::new)));
            }
            return new Issued(subject, List.of(sign(b, keys), certificate));
        } catch (GeneralSecurityException | IOException | OperatorCreationException e) {
            throw new IllegalStateException("cannot issue a certificate for " + subjectDn + ": " + e.getMessage(), e);
        }
    }

    /** As {@link #issue(String, List, Instant, Instant)}, valid from now for {@code validDays}. */
    public Issued issue(String subjectDn, List<String> hosts, int validDays) {
        Instant now = Instant.now();
        return issue(subjectDn, hosts, now.minusSeconds(60), now.plusSeconds(validDays * 86_400L));
    }

    /** Writes {@code content} to a file only its owner may read (where the file system allows). */
    public static void writePrivate(Path file, String content) throws IOException {
        Files.deleteIfExists(file);
        try {
            Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        } catch (UnsupportedOperationException e) {
            Files.createFile(file);
        }
        Files.writeString(file, content, StandardCharsets.US_ASCII);
    }

    private static boolean isIp(String host) {
        return host.matches("[0-9.]+") || host.contains(":");
    }

    private static KeyPair newKeys() throws GeneralSecurityException {
        KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
        g.initialize(new ECGenParameterSpec("secp256r1"), RANDOM);
        return g.generateKeyPair();
    }

    private static BigInteger serial() {
        return new BigInteger(64, RANDOM).add(BigInteger.ONE);
    }

    private static X509Certificate sign(X509v3CertificateBuilder b, KeyPair signer)
            throws OperatorCreationException, GeneralSecurityException {
        ContentSigner s = new JcaContentSignerBuilder("SHA256withECDSA").build(signer.getPrivate());
        return new JcaX509CertificateConverter().getCertificate(b.build(s));
    }

    private static String pem(Object... objects) {
        StringWriter out = new StringWriter();
        try (JcaPEMWriter w = new JcaPEMWriter(out)) {
            for (Object o : objects) {
                // A private key as PKCS#8 ("BEGIN PRIVATE KEY"), the form Kafka and Netty read.
                w.writeObject(o instanceof java.security.PrivateKey k
                        ? new org.bouncycastle.openssl.jcajce.JcaPKCS8Generator(k, null) : o);
            }
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return out.toString();
    }

}
