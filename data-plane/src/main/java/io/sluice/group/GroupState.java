package io.sluice.group;

/** What DescribeGroups and ListGroups report about a group. */
public enum GroupState {
    /** No members; the group exists because it has committed offsets. */
    EMPTY("Empty"),
    /** Some member has not reached its target assignment yet (partitions are being revoked or handed over). */
    RECONCILING("Reconciling"),
    /** Every member owns exactly its target assignment. */
    STABLE("Stable"),
    /** Unknown to the cluster. */
    DEAD("Dead");

    private final String label;

    GroupState(String label) {
        this.label = label;
    }

    /** The name shown to people and sent on the wire (Kafka's spelling). */
    public String label() {
        return label;
    }
}
