package io.sluice.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(10)
class ListenersTest {

    @Test
    void parsesNamedListenersWithTheirProtocolsAndAdvertisedAddresses() {
        List<Listener> l = Listeners.parse("PLAINTEXT://0.0.0.0:9092,SASL_PLAINTEXT://0.0.0.0:9192",
                "SASL_PLAINTEXT://broker1.example.com:19192", null, null);
        assertEquals(2, l.size());
        assertEquals(SecurityProtocol.PLAINTEXT, l.get(0).protocol());
        assertTrue(l.get(0).interBroker());
        assertNull(l.get(0).advertised());
        assertEquals(SecurityProtocol.SASL_PLAINTEXT, l.get(1).protocol());
        assertEquals("broker1.example.com", l.get(1).advertised().getHostString());
        assertEquals(19192, l.get(1).advertised().getPort());
    }

    @Test
    void customNamesTakeTheirProtocolFromTheMapAndTheInterBrokerListenerIsChosenByName() {
        List<Listener> l = Listeners.parse("INTERNAL://127.0.0.1:9092,EXTERNAL://0.0.0.0:9093", null,
                "INTERNAL:PLAINTEXT,EXTERNAL:SASL_PLAINTEXT", "internal");
        assertTrue(l.get(0).interBroker());
        assertEquals(SecurityProtocol.SASL_PLAINTEXT, l.get(1).protocol());
        assertEquals(false, l.get(1).interBroker());
    }

    @Test
    void refusesWhatCannotWork() {
        assertRefused("no security protocol", () -> Listeners.parse("EXTERNAL://h:1", null, null, null));
        assertRefused("ssl.client.auth=required", () -> Listeners.parse("SSL://h:1", null, null, null));
        assertRefused("do not speak SASL", () -> Listeners.parse("SASL_SSL://h:1", null, null, null));
        assertRefused("ssl.client.auth must be", () -> Listeners.parse("PLAINTEXT://h:1,SSL://h:2", null, null, null,
                Map.of("ssl.client.auth", "sometimes")));
        assertRefused("do not speak SASL", () -> Listeners.parse("SASL_PLAINTEXT://h:1", null, null, null));
        assertRefused("both use port", () -> Listeners.parse("PLAINTEXT://h:1,SASL_PLAINTEXT://h:1", null, null, null));
        assertRefused("twice", () -> Listeners.parse("PLAINTEXT://h:1,PLAINTEXT://h:2", null, null, null));
        assertRefused("not in listeners", () -> Listeners.parse("PLAINTEXT://h:1", "SASL_PLAINTEXT://h:2", null, null));
        assertRefused("not in listeners", () -> Listeners.parse("PLAINTEXT://h:1", null, null, "OTHER"));
        assertRefused("unknown security protocol", () -> Listeners.parse("A://h:1", null, "A:KERBEROS", null));
        assertRefused("not NAME:PROTOCOL", () -> Listeners.parse("A://h:1", null, "A", null));
    }

    @Test
    void twoListenersMayBothTakeAnyFreePort() {
        assertEquals(2, Listeners.parse("PLAINTEXT://h:0,SASL_PLAINTEXT://h:0", null, null, null).size());
    }

    private static void assertRefused(String why, org.junit.jupiter.api.function.Executable parse) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, parse);
        assertTrue(e.getMessage().contains(why), e.getMessage());
    }

    @Test
    void tlsListenersTakeTheNodeSslKeysOverriddenPerListener() {
        List<Listener> l = Listeners.parse("INTERNAL://h:1,SSL://h:2,SASL_SSL://h:3", null,
                "INTERNAL:SSL,SSL:SSL,SASL_SSL:SASL_SSL", "INTERNAL", Map.of(
                        "ssl.client.auth", "requested",
                        "listener.name.internal.ssl.client.auth", "required",
                        "sasl.enabled.mechanisms", "PLAIN"));
        assertEquals(io.sluice.protocol.tls.TlsConfig.ClientAuthMode.REQUIRED, l.get(0).tls().clientAuth());
        assertTrue(l.get(0).interBroker());
        assertEquals(io.sluice.protocol.tls.TlsConfig.ClientAuthMode.REQUESTED, l.get(1).tls().clientAuth());
        assertEquals(io.sluice.protocol.tls.TlsConfig.ClientAuthMode.REQUESTED, l.get(2).tls().clientAuth());
        assertTrue(Listeners.isListenerTlsKey("listener.name.internal.ssl.keystore.location"));
        assertFalse(Listeners.isListenerTlsKey("listener.name.internal.sasl.jaas.config"));
    }
}
