package io.sluice.security;

import io.sluice.metadata.CommandResult;
import io.sluice.metadata.MetadataNode;
import io.sluice.metadata.acl.AclBinding;
import io.sluice.metadata.acl.AclFilter;
import io.sluice.protocol.ErrorCode;
import io.sluice.protocol.metadata.CreateAclsCommand;
import io.sluice.protocol.metadata.DeleteAclsCommand;
import io.sluice.protocol.metadata.MetadataCommand;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;

/**
 * ACL bindings kept in the metadata quorum: create, describe and delete, for both protocols' codecs.
 * Creations are checked here (a malformed one is refused on its own, the others go to the quorum in
 * one command); deletions are matched by the controller against the image at their log index. A
 * change is answered once it is applied here too (a linearizable read after the commit), so a describe
 * that follows on this broker sees it. Thread-safe (stateless over the metadata node).
 */
public final class AclService {
    private final MetadataNode metadata;

    /** The outcome of one creation or deletion filter: {@link ErrorCode#NONE} or why it failed. */
    public record Outcome(ErrorCode error, String message) {
        public static final Outcome OK = new Outcome(ErrorCode.NONE, "");
    }

    /** What one deletion filter removed, or why nothing was removed. */
    public record Deletion(Outcome outcome, List<AclBinding> deleted) {
    }

    public AclService(MetadataNode metadata) {
        this.metadata = metadata;
    }

    /** Creates {@code bindings}; one outcome per binding, in order. */
    public CompletableFuture<List<Outcome>> create(List<AclBinding> bindings) {
        List<Outcome> outcomes = new ArrayList<>();
        CreateAclsCommand.Builder command = CreateAclsCommand.newBuilder();
        for (AclBinding binding : bindings) {
            String invalid = binding.invalidReason();
            outcomes.add(invalid == null ? null : new Outcome(ErrorCode.INVALID_REQUEST, invalid));
            if (invalid == null) {
                command.addAcls(binding.toRecord());
            }
        }
        if (command.getAclsCount() == 0) {
            return CompletableFuture.completedFuture(outcomes);
        }
        return submit(MetadataCommand.newBuilder().setCreateAcls(command)).thenApply(result -> {
            Outcome applied = result.isSuccess() ? Outcome.OK : new Outcome(result.error(), result.message());
            outcomes.replaceAll(o -> o == null ? applied : o);
            return outcomes;
        });
    }

    /** The bindings {@code filter} selects, read linearizably. */
    public CompletableFuture<List<AclBinding>> describe(AclFilter filter) {
        return metadata.readLinearizable().thenApply(image -> image.acls().matching(filter));
    }

    /** Deletes the bindings each filter selects; one result per filter, in order. */
    public CompletableFuture<List<Deletion>> delete(List<AclFilter> filters) {
        DeleteAclsCommand.Builder command = DeleteAclsCommand.newBuilder();
        filters.forEach(f -> command.addFilters(f.toProto()));
        return submit(MetadataCommand.newBuilder().setDeleteAcls(command)).thenApply(result -> {
            List<AclBinding> deleted = result.deletedAcls().stream().map(AclBinding::fromRecord).toList();
            Outcome outcome = result.isSuccess() ? Outcome.OK : new Outcome(result.error(), result.message());
            return filters.stream().map(f -> new Deletion(outcome,
                    deleted.stream().filter(f::matches).toList())).toList();
        });
    }

    private CompletableFuture<CommandResult> submit(MetadataCommand.Builder command) {
        return metadata.submit(command.setRequestId(UUID.randomUUID().toString()).build())
                .thenCompose(result -> metadata.readLinearizable().thenApply(image -> result));
    }
}
