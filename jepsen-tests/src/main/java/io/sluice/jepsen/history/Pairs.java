package io.sluice.jepsen.history;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Matches each completion with its invocation. A client may have several sends in flight (a pipelined
 * producer), so a send is matched by process and value (values are unique per test); any other
 * operation by process and function, one at a time. Pure; not thread-safe (used by one checker).
 */
public final class Pairs {
    private final Map<Long, Op> invocationOf = new HashMap<>();
    private final List<Op> openAtEnd = new ArrayList<>();

    public Pairs(List<Op> ops) {
        Map<String, Op> open = new HashMap<>();
        for (Op op : ops) {
            String id = op.process() + "/" + op.f() + ("send".equals(op.f()) ? "/" + op.key() + "/" + op.value() : "");
            if (op.isInvoke()) {
                open.put(id, op);
            } else {
                Op invoke = open.remove(id);
                if (invoke != null) {
                    invocationOf.put(op.index(), invoke);
                }
            }
        }
        openAtEnd.addAll(open.values());
    }

    /** The invocation of a completion, or null when the history does not hold it. */
    public Op invocation(Op completion) {
        return invocationOf.get(completion.index());
    }

    /** Invocations that never completed: their effect is unknown, as an info's. */
    public List<Op> openAtEnd() {
        return List.copyOf(openAtEnd);
    }
}
