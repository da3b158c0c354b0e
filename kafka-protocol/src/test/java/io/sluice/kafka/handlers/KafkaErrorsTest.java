package io.sluice.kafka.handlers;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.sluice.protocol.ErrorCode;
import org.apache.kafka.common.protocol.Errors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(5)
class KafkaErrorsTest {
    /** Every Sluice code maps to the Kafka error of the same name, where Kafka has one. */
    @Test
    void sameNameMeansSameKafkaError() {
        for (ErrorCode code : ErrorCode.values()) {
            if (code == ErrorCode.UNRECOGNIZED) {
                continue;
            }
            Errors byName;
            try {
                byName = Errors.valueOf(code.name());
            } catch (IllegalArgumentException e) {
                continue; // Sluice's own codes, mapped by meaning
            }
            assertEquals(byName, KafkaErrors.of(code), code.name());
        }
    }
}
