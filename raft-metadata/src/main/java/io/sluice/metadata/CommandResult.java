package io.sluice.metadata;

import io.sluice.protocol.ErrorCode;
import io.sluice.protocol.metadata.MetadataCommandResult;
import io.sluice.protocol.metadata.PartitionOutcome;

import java.util.List;

/**
 * The outcome of a submitted {@code MetadataCommand}: an error code (NONE on success), a message a
 * person can act on, and the payload of the command type (broker epoch, topic id, producer id block,
 * per-partition outcomes of batched commands). Immutable.
 */
public final class CommandResult {

    private final MetadataCommandResult result;

    private CommandResult(MetadataCommandResult result) {
        this.result = result;
    }

    public static CommandResult of(MetadataCommandResult result) {
        return new CommandResult(result);
    }

    public static CommandResult error(ErrorCode error, String message) {
        return new CommandResult(MetadataCommandResult.newBuilder().setError(error).setErrorMessage(message).build());
    }

    public boolean isSuccess() {
        return result.getError() == ErrorCode.NONE;
    }

    public ErrorCode error() {
        return result.getError();
    }

    public String message() {
        return result.getErrorMessage();
    }

    /** Registration: the new broker epoch (the Raft index of the registration). */
    public long brokerEpoch() {
        return result.getBrokerEpoch();
    }

    /** Topic commands: the topic's id. */
    public String topicId() {
        return result.getTopicId();
    }

    /** Producer id allocation: the first id of the block. */
    public long producerIdStart() {
        return result.getProducerIdStart();
    }

    public int producerIdCount() {
        return result.getProducerIdCount();
    }

    /** Batched commands: one outcome per partition (or per group offset), in request order. */
    public List<PartitionOutcome> partitions() {
        return result.getPartitionsList();
    }

    /** DeleteAcls: the bindings it removed. */
    public List<io.sluice.protocol.metadata.AclRecord> deletedAcls() {
        return result.getDeletedAclsList();
    }

    /** True when this repeats the first outcome of a command with the same request id. */
    public boolean duplicate() {
        return result.getDuplicate();
    }

    public MetadataCommandResult toProto() {
        return result;
    }

    @Override
    public String toString() {
        return isSuccess() ? "CommandResult(NONE)" : "CommandResult(" + error() + ": " + message() + ")";
    }
}
