package io.sluice.metadata.raft;

import java.io.IOException;

/**
 * The node's metadata directory cannot be used as it is: it belongs to another cluster or node, or a
 * snapshot in it is corrupt. The message is one line saying what is wrong and what to do; nothing in
 * the directory was changed.
 */
public final class MetadataStorageException extends IOException {

    public MetadataStorageException(String message) {
        super(message);
    }

    public MetadataStorageException(String message, Throwable cause) {
        super(message, cause);
    }
}
