package io.sluice.metadata.controller;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.sluice.metadata.acl.AclBinding;
import io.sluice.metadata.acl.AclFilter;
import io.sluice.metadata.acl.AclOperation;
import io.sluice.metadata.acl.AclPermission;
import io.sluice.metadata.acl.PatternType;
import io.sluice.metadata.acl.ResourceType;
import io.sluice.metadata.image.MetadataImage;
import io.sluice.protocol.ErrorCode;
import io.sluice.protocol.metadata.CreateAclsCommand;
import io.sluice.protocol.metadata.DeleteAclsCommand;
import io.sluice.protocol.metadata.MetadataCommand;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(10)
class AclControlTest {
    private final ControllerHarness h = ControllerHarness.withBrokers(1);

    private static AclBinding acl(ResourceType type, String name, PatternType pattern, String principal,
                                  AclOperation op, AclPermission permission) {
        return new AclBinding(type, name, pattern, principal, "*", op, permission);
    }

    private static final AclBinding ALICE_READ_T = acl(ResourceType.TOPIC, "t", PatternType.LITERAL, "User:alice",
            AclOperation.READ, AclPermission.ALLOW);
    private static final AclBinding ALICE_WRITE_PREFIX = acl(ResourceType.TOPIC, "t", PatternType.PREFIXED,
            "User:alice", AclOperation.WRITE, AclPermission.ALLOW);
    private static final AclBinding BOB_DENY_ALL = acl(ResourceType.TOPIC, "*", PatternType.LITERAL, "User:bob",
            AclOperation.ALL, AclPermission.DENY);
    private static final AclBinding BOB_GROUP = acl(ResourceType.GROUP, "g", PatternType.LITERAL, "User:bob",
            AclOperation.READ, AclPermission.ALLOW);

    private static MetadataCommand create(AclBinding... acls) {
        CreateAclsCommand.Builder c = CreateAclsCommand.newBuilder();
        for (AclBinding a : acls) {
            c.addAcls(a.toRecord());
        }
        return MetadataCommand.newBuilder().setCreateAcls(c).build();
    }

    private static MetadataCommand delete(AclFilter... filters) {
        DeleteAclsCommand.Builder c = DeleteAclsCommand.newBuilder();
        for (AclFilter f : filters) {
            c.addFilters(f.toProto());
        }
        return MetadataCommand.newBuilder().setDeleteAcls(c).build();
    }

    private List<AclBinding> deleted(ControllerResult result) {
        return result.result().getDeletedAclsList().stream().map(AclBinding::fromRecord).toList();
    }

    @Test
    void createsOnceAndDeletesWhatAFilterSelects() {
        h.ok(create(ALICE_READ_T, ALICE_WRITE_PREFIX, BOB_DENY_ALL, BOB_GROUP));
        assertEquals(List.of(), h.ok(create(ALICE_READ_T)).records(), "an existing binding is not written again");
        assertEquals(4, h.image.acls().bindings().size());

        // LITERAL selects by pattern type and name: the prefixed binding on "t" stays.
        AclFilter literalT = new AclFilter(ResourceType.TOPIC, "t", PatternType.LITERAL, null, null, null, null);
        assertEquals(List.of(ALICE_READ_T), deleted(h.ok(delete(literalT))));
        assertEquals(3, h.image.acls().bindings().size());
        h.ok(create(ALICE_READ_T));

        // MATCH selects every binding that applies to topic "t1": the "t" prefix and the "*" literal.
        AclFilter matchT1 = new AclFilter(ResourceType.TOPIC, "t1", PatternType.MATCH, null, null, null, null);
        assertEquals(List.of(BOB_DENY_ALL, ALICE_WRITE_PREFIX), h.image.acls().matching(matchT1));
        assertEquals(2, deleted(h.ok(delete(matchT1))).size());
        assertEquals(List.of(ALICE_READ_T, BOB_GROUP), List.copyOf(h.image.acls().bindings()));

        AclFilter bob = new AclFilter(null, null, PatternType.ANY, "User:bob", null, null, null);
        assertEquals(List.of(BOB_GROUP), deleted(h.ok(delete(bob))));
        assertEquals(List.of(ALICE_READ_T), deleted(h.ok(delete(AclFilter.ANY))));
        assertEquals(List.of(), List.copyOf(h.image.acls().bindings()));
    }

    @Test
    void refusesAMalformedBindingAndChangesNothing() {
        h.ok(create(ALICE_READ_T));
        MetadataImage before = h.image;
        for (AclBinding bad : List.of(
                acl(ResourceType.CLUSTER, "other", PatternType.LITERAL, "User:a", AclOperation.ALTER, AclPermission.ALLOW),
                acl(ResourceType.TOPIC, "t", PatternType.MATCH, "User:a", AclOperation.READ, AclPermission.ALLOW),
                acl(ResourceType.TOPIC, "", PatternType.LITERAL, "User:a", AclOperation.READ, AclPermission.ALLOW),
                acl(ResourceType.TOPIC, "t", PatternType.LITERAL, "alice", AclOperation.READ, AclPermission.ALLOW))) {
            ControllerResult result = h.run(create(BOB_GROUP, bad));
            assertEquals(ErrorCode.INVALID_REQUEST, result.result().getError(), bad.toString());
            assertEquals(List.of(), result.records());
        }
        assertEquals(before.acls(), h.image.acls());
    }

    @Test
    void bindingsSurviveASnapshot() {
        h.ok(create(ALICE_READ_T, ALICE_WRITE_PREFIX, BOB_DENY_ALL, BOB_GROUP));
        MetadataImage restored = MetadataImage.fromRecords(h.image.toRecords(), h.image.index(), h.image.term());
        assertEquals(h.image.acls(), restored.acls());
        assertEquals(h.image, restored);
    }
}
