package io.sluice.metadata.controller;

import io.sluice.protocol.ErrorCode;
import io.sluice.protocol.metadata.MetadataCommandResult;
import io.sluice.protocol.metadata.MetadataRecord;

import java.util.List;

/**
 * What one command does: the records to replay (empty when it was refused or changed nothing) and the
 * answer for the proposer. Immutable.
 */
public record ControllerResult(List<MetadataRecord> records, MetadataCommandResult result) {

    public ControllerResult {
        records = List.copyOf(records);
    }

    public static ControllerResult of(List<MetadataRecord> records, MetadataCommandResult result) {
        return new ControllerResult(records, result);
    }

    public static ControllerResult ok(List<MetadataRecord> records) {
        return new ControllerResult(records, MetadataCommandResult.getDefaultInstance());
    }

    /** A refusal: no records, an error code and a message that tells a person what to do. */
    public static ControllerResult error(ErrorCode error, String message) {
        return new ControllerResult(List.of(), errorResult(error, message));
    }

    public static MetadataCommandResult errorResult(ErrorCode error, String message) {
        return MetadataCommandResult.newBuilder().setError(error).setErrorMessage(message).build();
    }

    public boolean isError() {
        return result.getError() != ErrorCode.NONE;
    }
}
