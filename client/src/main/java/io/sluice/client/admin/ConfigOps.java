package io.sluice.client.admin;

import io.sluice.protocol.ErrorCode;
import io.sluice.protocol.Errors;
import io.sluice.protocol.SluiceException;
import io.sluice.protocol.rpc.AlterConfigsRequest;
import io.sluice.protocol.rpc.AlterConfigsResource;
import io.sluice.protocol.rpc.AlterConfigsResponse;
import io.sluice.protocol.rpc.AlterConfigsResult;
import io.sluice.protocol.rpc.AlterableConfig;
import io.sluice.protocol.rpc.ApiKey;
import io.sluice.protocol.rpc.ConfigResourceType;
import io.sluice.protocol.rpc.DescribeConfigsRequest;
import io.sluice.protocol.rpc.DescribeConfigsResponse;
import io.sluice.protocol.rpc.DescribeConfigsResult;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The config operations of {@link Admin}: conversion between public types and the wire. Stateless. */
final class ConfigOps {
    private ConfigOps() {
    }

    static Map<ConfigResource, List<ConfigEntry>> describe(Admin admin, Collection<ConfigResource> resources) {
        DescribeConfigsRequest.Builder request = DescribeConfigsRequest.newBuilder();
        resources.forEach(r -> request.addResources(toWire(r)));
        DescribeConfigsResponse response = admin.call(ApiKey.DESCRIBE_CONFIGS, request.build(), DescribeConfigsResponse.parser());
        Map<ConfigResource, List<ConfigEntry>> out = new LinkedHashMap<>();
        for (DescribeConfigsResult r : response.getResultsList()) {
            ConfigResource resource = fromWire(r.getResource());
            check(resource, r.getError(), r.getErrorMessage());
            List<ConfigEntry> entries = new ArrayList<>();
            for (io.sluice.protocol.rpc.ConfigEntry e : r.getEntriesList()) {
                entries.add(new ConfigEntry(e.getName(), e.getSensitive() ? null : e.getValue(), source(e.getSource()),
                        e.getReadOnly(), e.getSensitive()));
            }
            out.put(resource, entries);
        }
        return out;
    }

    static Void alter(Admin admin, Map<ConfigResource, List<AlterConfigOp>> changes) {
        AlterConfigsRequest.Builder request = AlterConfigsRequest.newBuilder();
        changes.forEach((resource, ops) -> {
            AlterConfigsResource.Builder r = AlterConfigsResource.newBuilder().setResource(toWire(resource));
            for (AlterConfigOp op : ops) {
                r.addConfigs(AlterableConfig.newBuilder().setName(op.name()).setValue(op.value() == null ? "" : op.value())
                        .setOp(op.op() == AlterConfigOp.OpType.SET ? io.sluice.protocol.rpc.AlterConfigOp.SET
                                : io.sluice.protocol.rpc.AlterConfigOp.DELETE));
            }
            request.addResources(r);
        });
        AlterConfigsResponse response = admin.call(ApiKey.ALTER_CONFIGS, request.build(), AlterConfigsResponse.parser());
        for (AlterConfigsResult r : response.getResultsList()) {
            check(fromWire(r.getResource()), r.getError(), r.getErrorMessage());
        }
        return null;
    }

    private static void check(ConfigResource resource, ErrorCode error, String message) {
        if (error == ErrorCode.NONE) {
            return;
        }
        if (error == ErrorCode.UNKNOWN_TOPIC_OR_PARTITION && message.isEmpty()) {
            throw new SluiceException(error, "topic '" + resource.name() + "' does not exist");
        }
        throw new SluiceException(error, message.isEmpty()
                ? resource.type().name().toLowerCase() + " '" + resource.name() + "': " + Errors.describe(error, "")
                : message);
    }

    private static io.sluice.protocol.rpc.ConfigResource toWire(ConfigResource r) {
        return io.sluice.protocol.rpc.ConfigResource.newBuilder()
                .setType(r.type() == ConfigResource.Type.TOPIC ? ConfigResourceType.TOPIC : ConfigResourceType.BROKER)
                .setName(r.name()).build();
    }

    private static ConfigResource fromWire(io.sluice.protocol.rpc.ConfigResource r) {
        return new ConfigResource(r.getType() == ConfigResourceType.BROKER ? ConfigResource.Type.BROKER
                : ConfigResource.Type.TOPIC, r.getName());
    }

    private static ConfigEntry.Source source(io.sluice.protocol.rpc.ConfigSource s) {
        return switch (s) {
            case DYNAMIC_TOPIC_CONFIG -> ConfigEntry.Source.DYNAMIC_TOPIC_CONFIG;
            case STATIC_BROKER_CONFIG -> ConfigEntry.Source.STATIC_BROKER_CONFIG;
            case DEFAULT_CONFIG -> ConfigEntry.Source.DEFAULT_CONFIG;
            default -> ConfigEntry.Source.UNKNOWN;
        };
    }
}
