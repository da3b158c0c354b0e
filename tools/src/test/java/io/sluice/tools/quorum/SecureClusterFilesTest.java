package io.sluice.tools.quorum;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(value = 30, unit = TimeUnit.SECONDS)
class SecureClusterFilesTest {
    @Test
    void createMakesEveryFileAndTheSettingsPointAtThem(@TempDir Path dir) throws Exception {
        SecureClusterFiles files = new SecureClusterFiles(dir, 2, n -> dir.resolve("n" + n).resolve("tls.pem"));
        assertFalse(files.complete());
        files.create("test CA", n -> List.of("10.0.0." + n), List.of("a comment"));
        assertTrue(files.complete());

        Map<String, String> s = files.nodeSettings(2, "10.0.0.2:9092", "10.0.0.2:9192");
        assertEquals("SASL_SSL://10.0.0.2:9092,INTERNAL://10.0.0.2:9192", s.get("listeners"));
        assertEquals(dir.resolve("n2/tls.pem").toAbsolutePath().toString(), s.get("ssl.keystore.location"));
        assertEquals(files.caPem().toString(), s.get("ssl.truststore.location"));
        assertTrue(Files.readString(Path.of(s.get("sasl.scram.bootstrap.file"))).contains("admin"));
        assertTrue(s.get("super.users").contains("User:CN=sluice-node-2,OU=sluice"));
        // keys and passwords are readable by the owner only
        assertFalse(Files.getPosixFilePermissions(files.adminProperties()).contains(PosixFilePermission.OTHERS_READ));
        assertFalse(Files.getPosixFilePermissions(files.nodePem(1)).contains(PosixFilePermission.OTHERS_READ));

        Map<String, Object> admin = files.adminClientSettings();
        assertEquals("SASL_SSL", admin.get("security.protocol"));
        assertEquals("SCRAM-SHA-512", admin.get("sasl.mechanism"));
        assertEquals(files.caPem().toString(), admin.get("ssl.truststore.location"));
        String password = Files.readString(Path.of(s.get("sasl.plain.users.file"))).trim().substring("admin=".length());
        assertTrue(admin.get("sasl.jaas.config").toString().contains("password=\"" + password + "\""));
        assertTrue(Files.readString(files.adminProperties()).startsWith("# a comment\n"));
    }
}
