package io.sluice.client.consumer;

import io.sluice.protocol.ErrorCode;
import io.sluice.protocol.SluiceException;

/**
 * A commit that cannot be made because this consumer lost its partitions: the group fenced it (its
 * session expired, or the coordinator moved and no longer knew it) and another member may have read and
 * committed past these offsets since. Nothing was committed. The next {@code poll} rejoins, and the
 * partitions this consumer gets then start from their committed offsets, so records read since the last
 * successful commit are delivered again. As in Kafka, an application catches this and keeps polling.
 */
public class CommitFailedException extends SluiceException {
    private static final long serialVersionUID = 1L;

    public CommitFailedException(String groupId) {
        super(ErrorCode.UNKNOWN_MEMBER_ID, "cannot commit the offsets of group '" + groupId + "': this consumer was "
                + "fenced from the group (session expired or coordinator moved) and lost its partitions, which "
                + "another member may own now; nothing was committed, and the next poll rejoins the group");
    }
}
