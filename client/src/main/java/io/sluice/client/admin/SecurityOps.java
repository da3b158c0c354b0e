package io.sluice.client.admin;

import com.google.protobuf.ByteString;
import io.sluice.protocol.ErrorCode;
import io.sluice.protocol.Errors;
import io.sluice.protocol.SluiceException;
import io.sluice.protocol.rpc.AclEntry;
import io.sluice.protocol.rpc.AclResult;
import io.sluice.protocol.rpc.AlterUserScramCredentialsRequest;
import io.sluice.protocol.rpc.AlterUserScramCredentialsResponse;
import io.sluice.protocol.rpc.ApiKey;
import io.sluice.protocol.rpc.CreateAclsRequest;
import io.sluice.protocol.rpc.CreateAclsResponse;
import io.sluice.protocol.rpc.DeleteAclsRequest;
import io.sluice.protocol.rpc.DeleteAclsResponse;
import io.sluice.protocol.rpc.DescribeAclsRequest;
import io.sluice.protocol.rpc.DescribeAclsResponse;
import io.sluice.protocol.rpc.DescribeUserScramCredentialsRequest;
import io.sluice.protocol.rpc.DescribeUserScramCredentialsResponse;
import io.sluice.protocol.rpc.DescribedUser;
import io.sluice.protocol.rpc.ScramDeletion;
import io.sluice.protocol.rpc.ScramUpsertion;
import io.sluice.protocol.sasl.ScramKeys;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The ACL and SCRAM-user operations of {@link Admin}. A new SCRAM credential is salted here (a fresh
 * 32-byte salt) and only the salt and the salted password are sent, as Kafka's AdminClient does.
 * Stateless.
 */
final class SecurityOps {
    private static final SecureRandom RANDOM = new SecureRandom();

    private SecurityOps() {
    }

    static AclEntry entry(AclBinding b) {
        AclEntry.Builder e = AclEntry.newBuilder();
        if (b.resourceType() != null) {
            e.setResourceType(b.resourceType());
        }
        if (b.resourceName() != null) {
            e.setResourceName(b.resourceName());
        }
        if (b.patternType() != null) {
            e.setPatternType(b.patternType());
        }
        if (b.principal() != null) {
            e.setPrincipal(b.principal());
        }
        if (b.host() != null) {
            e.setHost(b.host());
        }
        if (b.operation() != null) {
            e.setOperation(b.operation());
        }
        if (b.permission() != null) {
            e.setPermission(b.permission());
        }
        return e.build();
    }

    static AclBinding binding(AclEntry e) {
        return new AclBinding(e.getResourceType(), e.getResourceName(), e.getPatternType(), e.getPrincipal(),
                e.getHost(), e.getOperation(), e.getPermission());
    }

    static Void createAcls(Admin admin, Collection<AclBinding> bindings) {
        CreateAclsRequest.Builder request = CreateAclsRequest.newBuilder();
        bindings.forEach(b -> request.addAcls(entry(b)));
        CreateAclsResponse r = admin.call(ApiKey.CREATE_ACLS, request.build(), CreateAclsResponse.parser());
        for (AclResult result : r.getResultsList()) {
            check(result.getError(), result.getErrorMessage(), "creating an ACL");
        }
        return null;
    }

    static List<AclBinding> describeAcls(Admin admin, AclBinding filter) {
        DescribeAclsResponse r = admin.call(ApiKey.DESCRIBE_ACLS, DescribeAclsRequest.newBuilder()
                .setFilter(entry(filter)).build(), DescribeAclsResponse.parser());
        check(r.getError(), r.getErrorMessage(), "describing ACLs");
        return r.getAclsList().stream().map(SecurityOps::binding).toList();
    }

    static List<AclBinding> deleteAcls(Admin admin, Collection<AclBinding> filters) {
        DeleteAclsRequest.Builder request = DeleteAclsRequest.newBuilder();
        filters.forEach(f -> request.addFilters(entry(f)));
        DeleteAclsResponse r = admin.call(ApiKey.DELETE_ACLS, request.build(), DeleteAclsResponse.parser());
        List<AclBinding> deleted = new ArrayList<>();
        for (AclResult result : r.getResultsList()) {
            check(result.getError(), result.getErrorMessage(), "deleting ACLs");
            result.getAclsList().forEach(e -> deleted.add(binding(e)));
        }
        return deleted;
    }

    static Map<String, List<ScramCredentialInfo>> describeUsers(Admin admin, Collection<String> users) {
        DescribeUserScramCredentialsResponse r = admin.call(ApiKey.DESCRIBE_USER_SCRAM_CREDENTIALS,
                DescribeUserScramCredentialsRequest.newBuilder().addAllUsers(users).build(),
                DescribeUserScramCredentialsResponse.parser());
        Map<String, List<ScramCredentialInfo>> out = new LinkedHashMap<>();
        for (DescribedUser u : r.getUsersList()) {
            if (u.getError() != ErrorCode.RESOURCE_NOT_FOUND) {
                check(u.getError(), u.getErrorMessage(), "describing user " + u.getUser());
            }
            out.put(u.getUser(), u.getCredentialsList().stream()
                    .map(c -> new ScramCredentialInfo(c.getMechanism(), c.getIterations())).toList());
        }
        return out;
    }

    static Void alterUser(Admin admin, String user, Map<String, Integer> iterations, Map<String, String> passwords,
                          Collection<String> deletions) {
        AlterUserScramCredentialsRequest.Builder request = AlterUserScramCredentialsRequest.newBuilder();
        deletions.forEach(m -> request.addDeletions(ScramDeletion.newBuilder().setUser(user).setMechanism(m)));
        passwords.forEach((mechanism, password) -> {
            ScramKeys keys;
            try {
                keys = ScramKeys.of(mechanism);
            } catch (IllegalArgumentException e) {
                throw new SluiceException(ErrorCode.UNSUPPORTED_SASL_MECHANISM, "unknown SCRAM mechanism '" + mechanism
                        + "': use SCRAM-SHA-256 or SCRAM-SHA-512");
            }
            int i = iterations.getOrDefault(mechanism, 4096);
            byte[] salt = new byte[32];
            RANDOM.nextBytes(salt);
            request.addUpsertions(ScramUpsertion.newBuilder().setUser(user).setMechanism(mechanism).setIterations(i)
                    .setSalt(ByteString.copyFrom(salt))
                    .setSaltedPassword(ByteString.copyFrom(keys.saltedPassword(password, salt, i))));
        });
        AlterUserScramCredentialsResponse r = admin.call(ApiKey.ALTER_USER_SCRAM_CREDENTIALS, request.build(),
                AlterUserScramCredentialsResponse.parser());
        for (DescribedUser u : r.getResultsList()) {
            check(u.getError(), u.getErrorMessage(), "altering the SCRAM credentials of " + u.getUser());
        }
        return null;
    }

    private static void check(ErrorCode error, String message, String what) {
        if (error != ErrorCode.NONE) {
            throw new SluiceException(error, what + " failed: " + Errors.describe(error, message));
        }
    }
}
