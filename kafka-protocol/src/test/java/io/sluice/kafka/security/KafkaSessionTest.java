package io.sluice.kafka.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.channel.embedded.EmbeddedChannel;
import io.sluice.kafka.codec.KafkaSession;
import io.sluice.security.Authorizer;
import java.util.Map;
import org.apache.kafka.common.protocol.ApiKeys;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(10)
class KafkaSessionTest {
    private final SaslAuthenticator authenticator = new SaslAuthenticator(
            java.util.List.of("PLAIN"), PlainUsers.of(Map.of("alice", "secret")), (u, m) -> null);

    @Test
    void beforeAuthenticationOnlyApiVersionsAndTheSaslApisAreServed() throws Exception {
        KafkaSession session = new KafkaSession("SASL_PLAINTEXT", true, new EmbeddedChannel(), Authorizer.disabled());
        assertTrue(session.allows(ApiKeys.API_VERSIONS));
        assertTrue(session.allows(ApiKeys.SASL_HANDSHAKE));
        assertFalse(session.allows(ApiKeys.METADATA));
        assertFalse(session.allows(ApiKeys.PRODUCE));
        assertNull(session.principal());
        session.startSasl(authenticator.newServer("PLAIN", "localhost"));
        assertFalse(session.allows(ApiKeys.FETCH));
        session.saslServer().evaluateResponse("\0alice\0secret".getBytes());
        session.authenticated(session.saslServer().getAuthorizationID());
        assertEquals("User:alice", session.principal());
        assertTrue(session.allows(ApiKeys.PRODUCE));
    }

    @Test
    void aFailedSessionServesNothingAndAPlaintextOneIsAnonymous() {
        KafkaSession failed = new KafkaSession("SASL_PLAINTEXT", true, new EmbeddedChannel(), Authorizer.disabled());
        failed.fail();
        assertFalse(failed.allows(ApiKeys.API_VERSIONS));
        assertFalse(failed.allows(ApiKeys.SASL_AUTHENTICATE));
        KafkaSession plain = new KafkaSession("PLAINTEXT", false, new EmbeddedChannel(), Authorizer.disabled());
        assertEquals(KafkaSession.ANONYMOUS, plain.principal());
        assertTrue(plain.allows(ApiKeys.DELETE_TOPICS));
    }

    @Test
    void plainUsersMatchOnlyTheExactPassword() {
        PlainUsers users = PlainUsers.of(Map.of("alice", "secret"));
        assertTrue(users.check("alice", "secret".toCharArray()));
        assertFalse(users.check("alice", "secre".toCharArray()));
        assertFalse(users.check("alice", "secret2".toCharArray()));
        assertFalse(users.check("bob", "secret".toCharArray()));
        assertFalse(users.check("bob", new char[0]));
    }
}
