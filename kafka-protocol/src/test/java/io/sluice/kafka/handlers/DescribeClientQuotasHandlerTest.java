package io.sluice.kafka.handlers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.common.message.DescribeClientQuotasRequestData;
import org.apache.kafka.common.message.DescribeClientQuotasRequestData.ComponentData;
import org.apache.kafka.common.message.DescribeClientQuotasResponseData;
import org.apache.kafka.common.protocol.Errors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** No quotas exist: well-formed filters match nothing; malformed ones are refused as Kafka refuses them. */
@Timeout(value = 10, unit = TimeUnit.SECONDS)
class DescribeClientQuotasHandlerTest {
    private final DescribeClientQuotasHandler handler = new DescribeClientQuotasHandler();

    @Test
    void aWellFormedFilterMatchesNoQuotas() throws Exception {
        DescribeClientQuotasResponseData r = describe(new ComponentData().setEntityType("user").setMatchType((byte) 2),
                new ComponentData().setEntityType("client-id").setMatchType((byte) 0).setMatch("app"));
        assertEquals(Errors.NONE.code(), r.errorCode());
        assertEquals(List.of(), r.entries());
    }

    @Test
    void anUnknownEntityOrMatchTypeIsAnInvalidRequest() throws Exception {
        DescribeClientQuotasResponseData r = describe(new ComponentData().setEntityType("group").setMatchType((byte) 2));
        assertEquals(Errors.INVALID_REQUEST.code(), r.errorCode());
        assertNull(r.entries());
        assertEquals(Errors.INVALID_REQUEST.code(),
                describe(new ComponentData().setEntityType("user").setMatchType((byte) 3)).errorCode());
        assertEquals(Errors.INVALID_REQUEST.code(),
                describe(new ComponentData().setEntityType("user").setMatchType((byte) 0).setMatch(null)).errorCode());
    }

    private DescribeClientQuotasResponseData describe(ComponentData... components) throws Exception {
        // No authorizer: every request is allowed (the ACL matrix IT checks the refusal).
        var session = new io.sluice.kafka.codec.KafkaSession("PLAINTEXT", false,
                new io.netty.channel.embedded.EmbeddedChannel(), io.sluice.security.Authorizer.disabled());
        var request = new io.sluice.kafka.codec.KafkaRequest(new org.apache.kafka.common.requests.RequestHeader(
                org.apache.kafka.common.protocol.ApiKeys.DESCRIBE_CLIENT_QUOTAS, (short) 1, "test", 1), null, session);
        return handler.handle(request, new DescribeClientQuotasRequestData().setComponents(List.of(components))).get();
    }
}
