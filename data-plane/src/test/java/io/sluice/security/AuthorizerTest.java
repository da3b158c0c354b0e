package io.sluice.security;

import static io.sluice.metadata.acl.AclOperation.ALL;
import static io.sluice.metadata.acl.AclOperation.ALTER;
import static io.sluice.metadata.acl.AclOperation.ALTER_CONFIGS;
import static io.sluice.metadata.acl.AclOperation.CREATE;
import static io.sluice.metadata.acl.AclOperation.DELETE;
import static io.sluice.metadata.acl.AclOperation.DESCRIBE;
import static io.sluice.metadata.acl.AclOperation.DESCRIBE_CONFIGS;
import static io.sluice.metadata.acl.AclOperation.IDEMPOTENT_WRITE;
import static io.sluice.metadata.acl.AclOperation.READ;
import static io.sluice.metadata.acl.AclOperation.WRITE;
import static io.sluice.metadata.acl.AclPermission.ALLOW;
import static io.sluice.metadata.acl.AclPermission.DENY;
import static io.sluice.metadata.acl.PatternType.LITERAL;
import static io.sluice.metadata.acl.PatternType.PREFIXED;
import static io.sluice.metadata.acl.ResourceType.CLUSTER;
import static io.sluice.metadata.acl.ResourceType.GROUP;
import static io.sluice.metadata.acl.ResourceType.TOPIC;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sluice.metadata.acl.AclBinding;
import io.sluice.metadata.acl.AclOperation;
import io.sluice.metadata.acl.AclPermission;
import io.sluice.metadata.acl.PatternType;
import io.sluice.metadata.acl.ResourceType;
import io.sluice.metadata.image.AclsImage;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(10)
class AuthorizerTest {
    private static final String ALICE = "User:alice";
    private static final String HOST = "10.0.0.1";
    private final List<AclBinding> acls = new ArrayList<>();

    private void acl(ResourceType type, String name, PatternType pattern, String principal, String host,
                     AclOperation op, AclPermission permission) {
        acls.add(new AclBinding(type, name, pattern, principal, host, op, permission));
    }

    private void allowAlice(ResourceType type, String name, PatternType pattern, AclOperation op) {
        acl(type, name, pattern, ALICE, "*", op, ALLOW);
    }

    private Authorizer authorizer(boolean allowIfNoAcl, String... superUsers) {
        return new Authorizer(true, Set.of(superUsers), allowIfNoAcl, () -> new AclsImage(new TreeSet<>(acls)));
    }

    private boolean alice(AclOperation op, ResourceType type, String name) {
        return authorizer(false).authorize(ALICE, HOST, op, type, name);
    }

    @Test
    void literalAndPrefixedAndWildcardNames() {
        allowAlice(TOPIC, "orders", LITERAL, READ);
        allowAlice(TOPIC, "logs-", PREFIXED, WRITE);
        allowAlice(GROUP, "*", LITERAL, READ);
        assertTrue(alice(READ, TOPIC, "orders"));
        assertFalse(alice(READ, TOPIC, "orders2"), "a literal name is not a prefix");
        assertTrue(alice(WRITE, TOPIC, "logs-app"));
        assertFalse(alice(WRITE, TOPIC, "log"), "the prefix must be a prefix of the name");
        assertTrue(alice(READ, GROUP, "any-group"), "a literal * covers every group");
        assertFalse(alice(READ, TOPIC, "any-topic"), "... but not topics");
    }

    @Test
    void denyWinsOverAllow() {
        allowAlice(TOPIC, "*", LITERAL, ALL);
        acl(TOPIC, "secret-", PREFIXED, ALICE, "*", READ, DENY);
        assertTrue(alice(READ, TOPIC, "public"));
        assertFalse(alice(READ, TOPIC, "secret-1"));
        assertTrue(alice(WRITE, TOPIC, "secret-1"), "a deny of READ covers only READ");
        assertTrue(alice(DESCRIBE, TOPIC, "secret-1"), "a deny of READ does not deny DESCRIBE");
        acl(TOPIC, "secret-1", LITERAL, "User:*", "*", ALL, DENY);
        assertFalse(alice(WRITE, TOPIC, "secret-1"), "a deny of ALL for User:* covers alice and every operation");
    }

    @Test
    void impliedOperationsOnlyForAllow() {
        allowAlice(TOPIC, "r", LITERAL, READ);
        allowAlice(TOPIC, "w", LITERAL, WRITE);
        allowAlice(TOPIC, "d", LITERAL, DELETE);
        allowAlice(TOPIC, "a", LITERAL, ALTER);
        allowAlice(TOPIC, "c", LITERAL, ALTER_CONFIGS);
        allowAlice(TOPIC, "x", LITERAL, CREATE);
        for (String t : List.of("r", "w", "d", "a")) {
            assertTrue(alice(DESCRIBE, TOPIC, t), t + " implies DESCRIBE");
        }
        assertFalse(alice(DESCRIBE, TOPIC, "x"), "CREATE does not imply DESCRIBE");
        assertTrue(alice(DESCRIBE_CONFIGS, TOPIC, "c"));
        assertFalse(alice(DESCRIBE_CONFIGS, TOPIC, "a"), "ALTER does not imply DESCRIBE_CONFIGS");
        assertFalse(alice(WRITE, TOPIC, "r"), "READ does not imply WRITE");
        assertFalse(alice(READ, TOPIC, "w"), "WRITE does not imply READ");
    }

    @Test
    void principalAndHostMustMatch() {
        acl(TOPIC, "t", LITERAL, "User:bob", "*", READ, ALLOW);
        acl(TOPIC, "h", LITERAL, ALICE, "10.0.0.2", READ, ALLOW);
        acl(TOPIC, "h2", LITERAL, ALICE, HOST, READ, ALLOW);
        acl(TOPIC, "all", LITERAL, "User:*", "*", READ, ALLOW);
        assertFalse(alice(READ, TOPIC, "t"));
        assertFalse(alice(READ, TOPIC, "h"), "another host's ACL");
        assertTrue(alice(READ, TOPIC, "h2"));
        assertTrue(alice(READ, TOPIC, "all"));
    }

    @Test
    void superUsersMayDoEverythingAndDisabledAllowsAll() {
        acl(TOPIC, "t", LITERAL, "User:admin", "*", ALL, DENY);
        assertTrue(authorizer(false, "User:admin").authorize("User:admin", HOST, WRITE, TOPIC, "t"));
        assertFalse(authorizer(false, "User:admin").authorize("User:root", HOST, WRITE, TOPIC, "t"));
        assertTrue(Authorizer.disabled().authorize("User:ANONYMOUS", HOST, ALTER, CLUSTER, "kafka-cluster"));
    }

    @Test
    void noAclFoundDefaultsToDenyUnlessConfigured() {
        acl(TOPIC, "named", LITERAL, "User:bob", "*", READ, ALLOW);
        assertFalse(authorizer(false).authorize(ALICE, HOST, READ, TOPIC, "unnamed"));
        assertTrue(authorizer(true).authorize(ALICE, HOST, READ, TOPIC, "unnamed"), "no ACL names the topic");
        assertFalse(authorizer(true).authorize(ALICE, HOST, READ, TOPIC, "named"),
                "an ACL names the topic, for someone else: allow.everyone does not apply");
    }

    @Test
    void anyResourceOfATypeForIdempotentProducers() {
        Authorizer none = authorizer(false);
        assertFalse(none.authorizeAny(ALICE, HOST, WRITE, TOPIC));
        allowAlice(TOPIC, "logs-", PREFIXED, WRITE);
        assertTrue(authorizer(false).authorizeAny(ALICE, HOST, WRITE, TOPIC));
        assertFalse(authorizer(false).authorizeAny(ALICE, HOST, IDEMPOTENT_WRITE, CLUSTER));
        acl(TOPIC, "log", PREFIXED, ALICE, "*", WRITE, DENY);
        assertFalse(authorizer(false).authorizeAny(ALICE, HOST, WRITE, TOPIC), "a deny on a shorter prefix shadows it");
    }
}
