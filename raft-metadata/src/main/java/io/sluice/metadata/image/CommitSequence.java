package io.sluice.metadata.image;

/**
 * The last offset-commit command the quorum applied from one coordinator: that broker's epoch and the
 * command's number in it. Later commands must be newer in this order (see CommitOffsetsCommand.sequence).
 */
public record CommitSequence(long brokerEpoch, long sequence) implements Comparable<CommitSequence> {

    @Override
    public int compareTo(CommitSequence other) {
        int byEpoch = Long.compare(brokerEpoch, other.brokerEpoch);
        return byEpoch != 0 ? byEpoch : Long.compare(sequence, other.sequence);
    }
}
