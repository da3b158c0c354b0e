package io.sluice.server;

import io.sluice.metadata.acl.AclBinding;
import io.sluice.metadata.acl.AclFilter;
import io.sluice.network.NativeApis;
import io.sluice.network.RequestContext;
import io.sluice.network.Response;
import io.sluice.protocol.ErrorCode;
import io.sluice.protocol.metadata.AclRecord;
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
import io.sluice.protocol.rpc.ScramCredentialInfo;
import io.sluice.protocol.rpc.ScramDeletion;
import io.sluice.protocol.rpc.ScramUpsertion;
import io.sluice.protocol.sasl.ScramKeys;
import io.sluice.protocol.wire.Frames;
import io.sluice.protocol.wire.RequestFrame;
import io.sluice.security.AclService;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Parser;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * The native twins of Kafka's CreateAcls, DescribeAcls, DeleteAcls, DescribeUserScramCredentials and
 * AlterUserScramCredentials (behind {@code ./sluice acls} and {@code ./sluice users}), over the same
 * {@link AclService} and {@link ScramCredentialService} as the Kafka handlers. An {@code AclEntry} has
 * the fields and numbers of the metadata log's {@code AclRecord}, so it converts by its bytes. A SCRAM
 * upsertion carries the salt and salted password, as Kafka's does; the stored and server keys are
 * derived here, and neither reaches the quorum in any other form. Stateless and thread-safe.
 */
final class SecurityApis {
    private final AclService acls;
    private final ScramCredentialService scram;

    SecurityApis(AclService acls, ScramCredentialService scram) {
        this.acls = acls;
        this.scram = scram;
    }

    void register(NativeApis apis) {
        apis.add(ApiKey.CREATE_ACLS, this::createAcls);
        apis.add(ApiKey.DESCRIBE_ACLS, this::describeAcls);
        apis.add(ApiKey.DELETE_ACLS, this::deleteAcls);
        apis.add(ApiKey.DESCRIBE_USER_SCRAM_CREDENTIALS, this::describeUsers);
        apis.add(ApiKey.ALTER_USER_SCRAM_CREDENTIALS, this::alterUsers);
    }

    private static <T> T parse(RequestFrame frame, Parser<T> parser) throws InvalidProtocolBufferException {
        try {
            return Frames.parse(frame.body(), parser);
        } finally {
            frame.release();
        }
    }

    private static AclRecord record(AclEntry e) {
        try {
            return AclRecord.parseFrom(e.toByteString());
        } catch (InvalidProtocolBufferException impossible) {
            throw new IllegalStateException(impossible);
        }
    }

    private static AclEntry entry(AclBinding b) {
        try {
            return AclEntry.parseFrom(b.toRecord().toByteString());
        } catch (InvalidProtocolBufferException impossible) {
            throw new IllegalStateException(impossible);
        }
    }

    private static AclResult invalid(IllegalArgumentException e) {
        return AclResult.newBuilder().setError(ErrorCode.INVALID_REQUEST)
                .setErrorMessage("unknown resource type, pattern type, operation or permission: " + e.getMessage())
                .build();
    }

    private CompletableFuture<Response> createAcls(RequestContext ctx, RequestFrame frame) throws Exception {
        CreateAclsRequest request = parse(frame, CreateAclsRequest.parser());
        List<AclBinding> bindings = new ArrayList<>();
        List<AclResult> refused = new ArrayList<>();
        for (AclEntry e : request.getAclsList()) {
            try {
                bindings.add(AclBinding.fromRecord(record(e)));
                refused.add(null);
            } catch (IllegalArgumentException bad) {
                refused.add(invalid(bad));
            }
        }
        return acls.create(bindings).thenApply(outcomes -> {
            CreateAclsResponse.Builder response = CreateAclsResponse.newBuilder();
            int next = 0;
            for (AclResult r : refused) {
                if (r != null) {
                    response.addResults(r);
                } else {
                    AclService.Outcome o = outcomes.get(next++);
                    response.addResults(AclResult.newBuilder().setError(o.error()).setErrorMessage(o.message()));
                }
            }
            return Response.of(response.build());
        });
    }

    private CompletableFuture<Response> describeAcls(RequestContext ctx, RequestFrame frame) throws Exception {
        DescribeAclsRequest request = parse(frame, DescribeAclsRequest.parser());
        AclFilter filter;
        try {
            filter = AclFilter.fromProto(record(request.getFilter()));
        } catch (IllegalArgumentException bad) {
            AclResult r = invalid(bad);
            return CompletableFuture.completedFuture(Response.of(DescribeAclsResponse.newBuilder().setError(r.getError())
                    .setErrorMessage(r.getErrorMessage()).build()));
        }
        return acls.describe(filter).thenApply(found -> Response.of(DescribeAclsResponse.newBuilder()
                .addAllAcls(found.stream().map(SecurityApis::entry).toList()).build()));
    }

    private CompletableFuture<Response> deleteAcls(RequestContext ctx, RequestFrame frame) throws Exception {
        DeleteAclsRequest request = parse(frame, DeleteAclsRequest.parser());
        List<AclFilter> filters = new ArrayList<>();
        for (AclEntry e : request.getFiltersList()) {
            try {
                filters.add(AclFilter.fromProto(record(e)));
            } catch (IllegalArgumentException bad) {
                return CompletableFuture.completedFuture(Response.of(DeleteAclsResponse.newBuilder()
                        .addResults(invalid(bad)).build()));
            }
        }
        return acls.delete(filters).thenApply(deletions -> {
            DeleteAclsResponse.Builder response = DeleteAclsResponse.newBuilder();
            for (AclService.Deletion d : deletions) {
                response.addResults(AclResult.newBuilder().setError(d.outcome().error())
                        .setErrorMessage(d.outcome().message())
                        .addAllAcls(d.deleted().stream().map(SecurityApis::entry).toList()));
            }
            return Response.of(response.build());
        });
    }

    private CompletableFuture<Response> describeUsers(RequestContext ctx, RequestFrame frame) throws Exception {
        DescribeUserScramCredentialsRequest request = parse(frame, DescribeUserScramCredentialsRequest.parser());
        return scram.describe(request.getUsersList()).thenApply(users -> {
            DescribeUserScramCredentialsResponse.Builder response = DescribeUserScramCredentialsResponse.newBuilder();
            users.forEach((user, infos) -> {
                DescribedUser.Builder u = DescribedUser.newBuilder().setUser(user);
                if (infos.isEmpty()) {
                    u.setError(ErrorCode.RESOURCE_NOT_FOUND).setErrorMessage("user '" + user
                            + "' has no SCRAM credentials");
                }
                infos.forEach(i -> u.addCredentials(ScramCredentialInfo.newBuilder().setMechanism(i.mechanism())
                        .setIterations(i.iterations())));
                response.addUsers(u);
            });
            return Response.of(response.build());
        });
    }

    /** One user's part of an alteration. */
    private static final class Change {
        final List<ScramCredentialService.Credential> upsertions = new ArrayList<>();
        final List<String> deletions = new ArrayList<>();
        String refused;
    }

    private CompletableFuture<Response> alterUsers(RequestContext ctx, RequestFrame frame) throws Exception {
        AlterUserScramCredentialsRequest request = parse(frame, AlterUserScramCredentialsRequest.parser());
        Map<String, Change> users = new LinkedHashMap<>();
        for (ScramDeletion d : request.getDeletionsList()) {
            users.computeIfAbsent(d.getUser(), u -> new Change()).deletions.add(d.getMechanism());
        }
        for (ScramUpsertion u : request.getUpsertionsList()) {
            Change change = users.computeIfAbsent(u.getUser(), n -> new Change());
            if (u.getSalt().isEmpty() || u.getSaltedPassword().isEmpty()) {
                change.refused = "a SCRAM upsertion needs a salt and a salted password";
                continue;
            }
            ScramKeys keys;
            try {
                keys = ScramKeys.of(u.getMechanism());
            } catch (IllegalArgumentException e) {
                // the controller refuses the unknown mechanism with UNSUPPORTED_SASL_MECHANISM
                change.upsertions.add(new ScramCredentialService.Credential(u.getMechanism(), u.getSalt().toByteArray(),
                        new byte[0], new byte[0], u.getIterations()));
                continue;
            }
            byte[] salted = u.getSaltedPassword().toByteArray();
            change.upsertions.add(new ScramCredentialService.Credential(keys.mechanism(), u.getSalt().toByteArray(),
                    keys.storedKey(keys.clientKey(salted)), keys.serverKey(salted), u.getIterations()));
        }
        AlterUserScramCredentialsResponse.Builder response = AlterUserScramCredentialsResponse.newBuilder();
        List<CompletableFuture<DescribedUser>> results = new ArrayList<>();
        users.forEach((user, change) -> {
            if (change.refused != null) {
                results.add(CompletableFuture.completedFuture(DescribedUser.newBuilder().setUser(user)
                        .setError(ErrorCode.UNACCEPTABLE_CREDENTIAL).setErrorMessage(change.refused).build()));
            } else {
                results.add(scram.alter(user, change.upsertions, change.deletions).thenApply(o -> DescribedUser
                        .newBuilder().setUser(user).setError(o.error()).setErrorMessage(o.message()).build()));
            }
        });
        return CompletableFuture.allOf(results.toArray(new CompletableFuture[0])).thenApply(v -> {
            results.forEach(r -> response.addResults(r.join()));
            return Response.of(response.build());
        });
    }
}
