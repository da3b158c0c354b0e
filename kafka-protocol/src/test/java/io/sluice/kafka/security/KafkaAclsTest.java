package io.sluice.kafka.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.sluice.metadata.acl.AclBinding;
import io.sluice.metadata.acl.AclFilter;
import io.sluice.metadata.acl.AclOperation;
import io.sluice.metadata.acl.AclPermission;
import io.sluice.metadata.acl.PatternType;
import io.sluice.metadata.acl.ResourceType;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.errors.InvalidRequestException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(10)
class KafkaAclsTest {
    private static final byte TOPIC = org.apache.kafka.common.resource.ResourceType.TOPIC.code();
    private static final byte USER = org.apache.kafka.common.resource.ResourceType.USER.code();
    private static final byte ANY_TYPE = org.apache.kafka.common.resource.ResourceType.ANY.code();
    private static final byte UNKNOWN_TYPE = org.apache.kafka.common.resource.ResourceType.UNKNOWN.code();
    private static final byte LITERAL = org.apache.kafka.common.resource.PatternType.LITERAL.code();
    private static final byte MATCH = org.apache.kafka.common.resource.PatternType.MATCH.code();
    private static final byte READ = org.apache.kafka.common.acl.AclOperation.READ.code();
    private static final byte ANY_OP = org.apache.kafka.common.acl.AclOperation.ANY.code();
    private static final byte ALLOW = AclPermissionType.ALLOW.code();
    private static final byte ANY_PERMISSION = AclPermissionType.ANY.code();

    @Test
    void kafkaCodesBecomeSluiceBindingsAndBack() {
        AclBinding b = KafkaAcls.binding(TOPIC, "t", LITERAL, "User:a", "*", READ, ALLOW);
        assertEquals(new AclBinding(ResourceType.TOPIC, "t", PatternType.LITERAL, "User:a", "*", AclOperation.READ,
                AclPermission.ALLOW), b);
        assertEquals(TOPIC, KafkaAcls.code(b.resourceType()));
        assertEquals(LITERAL, KafkaAcls.code(b.patternType()));
        assertEquals(READ, KafkaAcls.code(b.operation()));
        assertEquals(ALLOW, KafkaAcls.code(b.permission()));
    }

    @Test
    void resourceTypesSluiceDoesNotEnforceAreRefusedInBindingsAndMatchNothingInFilters() {
        assertThrows(InvalidRequestException.class, () -> KafkaAcls.binding(USER, "u", LITERAL, "User:a", "*", READ, ALLOW));
        assertNull(KafkaAcls.filter(USER, null, LITERAL, null, null, ANY_OP, ANY_PERMISSION));
        assertThrows(InvalidRequestException.class,
                () -> KafkaAcls.filter(UNKNOWN_TYPE, null, LITERAL, null, null, ANY_OP, ANY_PERMISSION));
    }

    @Test
    void anyCodesInAFilterMatchEverything() {
        AclFilter f = KafkaAcls.filter(ANY_TYPE, "t", MATCH, null, null, ANY_OP, ANY_PERMISSION);
        assertEquals(new AclFilter(null, "t", PatternType.MATCH, null, null, null, null), f);
    }
}
