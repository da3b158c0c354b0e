package io.sluice.kafka;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.sluice.kafka.admin.IncrementalConfigOps;
import io.sluice.kafka.admin.IncrementalConfigOps.Op;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.AlterConfigOp.OpType;
import org.apache.kafka.common.protocol.Errors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(5)
class IncrementalConfigOpsTest {
    private static Op op(String name, OpType type, String value) {
        return new Op(name, type.id(), value);
    }

    @Test
    void setAndDeletePassThrough() {
        IncrementalConfigOps.Result r = IncrementalConfigOps.apply(List.of(op("retention.ms", OpType.SET, "5"),
                op("segment.bytes", OpType.DELETE, null)), Map.of());
        assertEquals(Errors.NONE, r.error().error());
        assertEquals(Map.of("retention.ms", "5"), r.set());
        assertEquals(List.of("segment.bytes"), r.delete());
    }

    @Test
    void appendAndSubtractWorkOnTheCurrentListWithoutDuplicates() {
        Map<String, String> current = Map.of("cleanup.policy", "delete");
        assertEquals(Map.of("cleanup.policy", "delete,compact"), IncrementalConfigOps.apply(
                List.of(op("cleanup.policy", OpType.APPEND, "compact,delete")), current).set());
        assertEquals(Map.of("cleanup.policy", ""), IncrementalConfigOps.apply(
                List.of(op("cleanup.policy", OpType.SUBTRACT, "delete")), current).set());
    }

    @Test
    void refusesListOperationsOnScalarsDuplicatesAndNullSets() {
        assertEquals(Errors.INVALID_CONFIG, IncrementalConfigOps.apply(
                List.of(op("retention.ms", OpType.APPEND, "1")), Map.of()).error().error());
        assertEquals(Errors.INVALID_REQUEST, IncrementalConfigOps.apply(List.of(op("retention.ms", OpType.SET, "1"),
                op("retention.ms", OpType.DELETE, null)), Map.of()).error().error());
        assertEquals(Errors.INVALID_REQUEST, IncrementalConfigOps.apply(
                List.of(op("retention.ms", OpType.SET, null)), Map.of()).error().error());
        assertEquals(Errors.INVALID_REQUEST, IncrementalConfigOps.apply(
                List.of(new Op("retention.ms", (byte) 9, "1")), Map.of()).error().error());
    }
}
