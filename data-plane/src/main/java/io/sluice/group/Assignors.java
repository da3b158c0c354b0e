package io.sluice.group;

import io.sluice.protocol.ErrorCode;
import io.sluice.protocol.SluiceException;
import java.util.Map;

/** The server-side assignors by name. Immutable; thread-safe. */
public final class Assignors {
    /** What a group uses when no member asks for one: Kafka's default server assignor is uniform, Sluice's roundrobin. */
    public static final String DEFAULT = RoundRobinAssignor.NAME;
    private static final Map<String, PartitionAssignor> BY_NAME = Map.of(
            RangeAssignor.NAME, new RangeAssignor(),
            RoundRobinAssignor.NAME, new RoundRobinAssignor());

    private Assignors() {
    }

    /** The assignor called {@code name}; an unknown name is refused with the names that exist. */
    public static PartitionAssignor byName(String name) {
        PartitionAssignor assignor = BY_NAME.get(name);
        if (assignor == null) {
            throw new SluiceException(ErrorCode.INVALID_REQUEST, "unknown assignor '" + name
                    + "': use " + RangeAssignor.NAME + " or " + RoundRobinAssignor.NAME);
        }
        return assignor;
    }

    public static boolean exists(String name) {
        return BY_NAME.containsKey(name);
    }
}
