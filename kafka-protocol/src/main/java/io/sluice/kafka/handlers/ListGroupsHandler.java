package io.sluice.kafka.handlers;

import io.sluice.metadata.acl.AclOperation;
import io.sluice.metadata.acl.ResourceType;
import io.sluice.group.Classic;
import io.sluice.group.GroupDescription;
import io.sluice.kafka.codec.KafkaApiHandler;
import io.sluice.kafka.codec.KafkaRequest;
import io.sluice.server.BrokerServices;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.message.ListGroupsRequestData;
import org.apache.kafka.common.message.ListGroupsResponseData;
import org.apache.kafka.common.message.ListGroupsResponseData.ListedGroup;

/**
 * ListGroups: the groups this node coordinates (clients ask every broker and take the union), with
 * state (v4+) and type (v5+) filters, case-insensitive as in Kafka. Classic groups are type "classic";
 * Sluice's own groups (the consumer protocol's model) are type "consumer"; a group that only has
 * committed offsets is an Empty classic group with no protocol type, as a group of assign() consumers
 * is in Kafka.
 */
public final class ListGroupsHandler implements KafkaApiHandler<ListGroupsRequestData> {
    private final BrokerServices services;

    public ListGroupsHandler(BrokerServices services) {
        this.services = services;
    }

    @Override
    public CompletableFuture<ListGroupsResponseData> handle(KafkaRequest request, ListGroupsRequestData data) {
        Map<String, ListedGroup> listed = new TreeMap<>();
        for (GroupDescription g : services.groups().coordinator().list()) {
            boolean offsetsOnly = g.members().isEmpty();
            listed.put(g.groupId(), new ListedGroup().setGroupId(g.groupId())
                    .setProtocolType(offsetsOnly ? "" : "consumer").setGroupState(g.state().label())
                    .setGroupType(offsetsOnly ? "classic" : "consumer"));
        }
        for (Classic.Description g : services.groups().classic().list()) {
            listed.put(g.groupId(), new ListedGroup().setGroupId(g.groupId()).setProtocolType(g.protocolType())
                    .setGroupState(g.state()).setGroupType("classic"));
        }
        List<String> states = request.version() >= 4 ? lower(data.statesFilter()) : List.of();
        List<String> types = request.version() >= 5 ? lower(data.typesFilter()) : List.of();
        ListGroupsResponseData response = new ListGroupsResponseData();
        // Kafka's rule: DESCRIBE on the cluster lists every group, otherwise those the principal may DESCRIBE.
        boolean all = request.authorizedOnCluster(AclOperation.DESCRIBE);
        for (ListedGroup g : listed.values()) {
            if (!all && !request.authorized(AclOperation.DESCRIBE, ResourceType.GROUP, g.groupId())) {
                continue;
            }
            if ((states.isEmpty() || states.contains(g.groupState().toLowerCase(Locale.ROOT)))
                    && (types.isEmpty() || types.contains(g.groupType().toLowerCase(Locale.ROOT)))) {
                response.groups().add(g);
            }
        }
        return CompletableFuture.completedFuture(response);
    }

    private static List<String> lower(List<String> values) {
        return values.stream().map(s -> s.toLowerCase(Locale.ROOT)).toList();
    }
}
