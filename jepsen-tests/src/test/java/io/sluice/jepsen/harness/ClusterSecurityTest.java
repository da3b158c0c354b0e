package io.sluice.jepsen.harness;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sluice.client.admin.AclBinding;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(value = 30, unit = TimeUnit.SECONDS)
class ClusterSecurityTest {
    @Test
    void withoutSecurityANodeHasOnePlaintextListenerAndClientsNoSettings() {
        ClusterSecurity none = ClusterSecurity.none();
        assertFalse(none.secure());
        assertEquals(Map.of("listen", "10.213.77.2:9092"), none.nodeSettings(2, "10.213.77.2", 9092));
        assertTrue(none.adminSettings().isEmpty());
        assertTrue(none.workloadSettings().isEmpty());
    }

    @Test
    void saslSslPutsEveryListenerAndRaftOnTlsWithTheAuthorizerOn(@TempDir Path dir) throws Exception {
        ClusterSecurity s = ClusterSecurity.saslSsl(dir, n -> "10.213.77." + n, 3);
        assertTrue(s.secure());
        Map<String, String> node2 = s.nodeSettings(2, "10.213.77.2", 9092);
        assertEquals("SASL_SSL://10.213.77.2:9092,INTERNAL://10.213.77.2:9192", node2.get("listeners"));
        assertEquals("SASL_SSL:SASL_SSL,INTERNAL:SSL", node2.get("listener.security.protocol.map"));
        assertEquals("INTERNAL", node2.get("inter.broker.listener.name"));
        assertEquals("required", node2.get("listener.name.internal.ssl.client.auth"));
        assertEquals("true", node2.get("raft.ssl.enabled"));
        assertFalse(node2.containsKey("listen"), "listen and listeners together are refused");
        assertFalse(node2.getOrDefault("authorizer.class.name", "").isEmpty());
        assertTrue(node2.get("super.users").contains("User:admin"));
        assertFalse(node2.get("super.users").contains("User:" + ClusterSecurity.WORKLOAD_USER));

        // other nodes check the certificate against the address they dial (endpoint identification)
        String pem = Files.readString(Path.of(node2.get("ssl.keystore.location")));
        X509Certificate cert = (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(
                new ByteArrayInputStream(pem.substring(pem.indexOf("-----BEGIN CERTIFICATE-----"))
                        .getBytes(StandardCharsets.US_ASCII)));
        assertTrue(cert.getSubjectAlternativeNames().stream().anyMatch(san -> san.get(1).equals("10.213.77.2")));
        assertFalse(cert.getSubjectAlternativeNames().stream().anyMatch(san -> san.get(1).equals("10.213.77.3")));
        X509Certificate ca;
        try (InputStream in = Files.newInputStream(Path.of(node2.get("ssl.truststore.location")))) {
            ca = (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
        }
        cert.verify(ca.getPublicKey());

        assertEquals("SASL_SSL", s.adminSettings().get("security.protocol"));
        assertEquals(node2.get("ssl.truststore.location"), s.adminSettings().get("ssl.truststore.location"));
        assertTrue(s.adminSettings().get("sasl.jaas.config").toString().contains("username=\"admin\""));
        assertEquals("SASL_SSL", s.workloadSettings().get("security.protocol"));
        assertTrue(s.workloadSettings().get("sasl.jaas.config").toString()
                .contains("username=\"" + ClusterSecurity.WORKLOAD_USER + "\""));
        assertFalse(s.workloadSettings().get("sasl.jaas.config").equals(s.adminSettings().get("sasl.jaas.config")));
    }

    @Test
    void theWorkloadUserMayUseTheWorkloadsTopicsAndGroupsOnly() {
        List<AclBinding> acls = ClusterSecurity.workloadAcls();
        for (AclBinding acl : acls) {
            assertEquals("User:" + ClusterSecurity.WORKLOAD_USER, acl.principal());
            assertEquals("PREFIXED", acl.patternType());
            assertEquals("jepsen-", acl.resourceName());
            assertEquals("ALLOW", acl.permission());
        }
        assertTrue(acls.stream().anyMatch(a -> a.resourceType().equals("TOPIC") && a.operation().equals("WRITE")));
        assertTrue(acls.stream().anyMatch(a -> a.resourceType().equals("TOPIC") && a.operation().equals("READ")));
        assertTrue(acls.stream().anyMatch(a -> a.resourceType().equals("GROUP") && a.operation().equals("READ")));
        assertFalse(acls.stream().anyMatch(a -> a.resourceType().equals("CLUSTER")), "no cluster-wide rights");
    }

    @Test
    void securityIsNoneOrSaslSsl() {
        assertEquals("sasl_ssl", ClusterSecurity.parse("SASL_SSL"));
        assertEquals("none", ClusterSecurity.parse("none"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> ClusterSecurity.parse("ssl")).getMessage()
                .contains("sasl_ssl"));
    }
}
