package io.sluice.kafka;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sluice.server.TestCluster;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.MemberDescription;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.SubscriptionPattern;
import org.apache.kafka.common.GroupState;
import org.apache.kafka.common.GroupType;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.InvalidRegularExpression;
import org.apache.kafka.common.message.ConsumerGroupDescribeRequestData;
import org.apache.kafka.common.message.ConsumerGroupDescribeResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.ConsumerGroupDescribeResponse;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Kafka's own KafkaConsumer with {@code group.protocol=consumer} (KIP-848) and its Admin against a
 * one-node cluster: ConsumerGroupDescribe as the admin client and kafka-consumer-groups.sh use it, its
 * errors on the wire, and regex subscriptions resolved by the coordinator as topics come and go.
 */
@Timeout(180)
class KafkaConsumerProtocolIT {
    private static TestCluster cluster;
    private static Admin admin;

    @BeforeAll
    static void start() throws Exception {
        cluster = TestCluster.start(1, Map.of("group.initial.rebalance.delay.ms", "0"));
        Properties p = new Properties();
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.bootstrapServers());
        admin = Admin.create(p);
    }

    @AfterAll
    static void stop() {
        if (admin != null) {
            admin.close(Duration.ofSeconds(5));
        }
        if (cluster != null) {
            cluster.close();
        }
    }

    private static KafkaConsumer<byte[], byte[]> consumer(String group, String protocol, String... settings) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.bootstrapServers());
        p.put(ConsumerConfig.GROUP_ID_CONFIG, group);
        p.put(ConsumerConfig.GROUP_PROTOCOL_CONFIG, protocol);
        p.put(ConsumerConfig.CLIENT_ID_CONFIG, "it-" + group);
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        for (int i = 0; i < settings.length; i += 2) {
            p.put(settings[i], settings[i + 1]);
        }
        return new KafkaConsumer<>(p);
    }

    private static void createTopic(String name, int partitions) throws Exception {
        admin.createTopics(List.of(new NewTopic(name, partitions, (short) 1))).all().get();
    }

    private static Set<TopicPartition> partitions(String topic, int count) {
        return IntStream.range(0, count).mapToObj(p -> new TopicPartition(topic, p)).collect(Collectors.toSet());
    }

    private static void pollUntil(KafkaConsumer<byte[], byte[]> consumer, String what,
                                  java.util.concurrent.Callable<Boolean> done) {
        await(what).atMost(Duration.ofSeconds(60)).until(() -> {
            consumer.poll(Duration.ofMillis(100));
            return done.call();
        });
    }

    private static ConsumerGroupDescribeResponseData.DescribedGroup describeOnTheWire(String group) throws Exception {
        // One node: it coordinates every group.
        try (KafkaWire wire = new KafkaWire(cluster.address(cluster.runningNodes().get(0).nodeId()))) {
            ConsumerGroupDescribeResponse response = (ConsumerGroupDescribeResponse) wire.roundTrip(
                    ApiKeys.CONSUMER_GROUP_DESCRIBE, (short) 1, 1,
                    new ConsumerGroupDescribeRequestData().setGroupIds(List.of(group)));
            return response.data().groups().get(0);
        }
    }

    @Test
    void consumerGroupDescribeShowsEpochsAssignorAndEachMembersAssignment() throws Exception {
        createTopic("described", 4);
        try (KafkaConsumer<byte[], byte[]> consumer = consumer("described-g", "consumer",
                ConsumerConfig.GROUP_REMOTE_ASSIGNOR_CONFIG, "range")) {
            consumer.subscribe(List.of("described"));
            pollUntil(consumer, "the member owns all four partitions",
                    () -> consumer.assignment().equals(partitions("described", 4)));
            await("the group is Stable").atMost(Duration.ofSeconds(30)).until(() -> admin.describeConsumerGroups(
                    List.of("described-g")).all().get().get("described-g").groupState() == GroupState.STABLE);
            ConsumerGroupDescription d = admin.describeConsumerGroups(List.of("described-g")).all().get()
                    .get("described-g");
            assertEquals(GroupType.CONSUMER, d.type(), "described by ConsumerGroupDescribe, not DescribeGroups");
            assertEquals("range", d.partitionAssignor());
            assertTrue(d.groupEpoch().orElseThrow() >= 1, d::toString);
            assertEquals(d.groupEpoch(), d.targetAssignmentEpoch());
            MemberDescription m = d.members().iterator().next();
            assertEquals("it-described-g", m.clientId());
            assertEquals(partitions("described", 4), m.assignment().topicPartitions());
            assertEquals(partitions("described", 4), m.targetAssignment().orElseThrow().topicPartitions());
            assertEquals(d.groupEpoch(), m.memberEpoch());

            ConsumerGroupDescribeResponseData.DescribedGroup wire = describeOnTheWire("described-g");
            assertEquals(Errors.NONE.code(), wire.errorCode());
            assertEquals(List.of("described"), wire.members().get(0).subscribedTopicNames());
            assertEquals((byte) 1, wire.members().get(0).memberType());
        }
    }

    @Test
    void unknownAndClassicGroupsGetGroupIdNotFoundAndTheAdminFallsBack() throws Exception {
        createTopic("classic-t", 2);
        ConsumerGroupDescribeResponseData.DescribedGroup unknown = describeOnTheWire("nobody");
        assertEquals(Errors.GROUP_ID_NOT_FOUND.code(), unknown.errorCode());
        try (KafkaConsumer<byte[], byte[]> classic = consumer("classic-g", "classic")) {
            classic.subscribe(List.of("classic-t"));
            pollUntil(classic, "the classic member owns both partitions",
                    () -> classic.assignment().equals(partitions("classic-t", 2)));
            ConsumerGroupDescribeResponseData.DescribedGroup described = describeOnTheWire("classic-g");
            assertEquals(Errors.GROUP_ID_NOT_FOUND.code(), described.errorCode());
            assertEquals("Group classic-g is not a consumer group.", described.errorMessage());
            ConsumerGroupDescription d = admin.describeConsumerGroups(List.of("classic-g")).all().get().get("classic-g");
            assertEquals(GroupType.CLASSIC, d.type());
            assertEquals(1, d.members().size());
        }
    }

    @Test
    void aRegexSubscriptionIsResolvedByTheCoordinatorAndFollowsNewTopics() throws Exception {
        createTopic("rx-a", 2);
        try (KafkaConsumer<byte[], byte[]> consumer = consumer("rx-g", "consumer")) {
            consumer.subscribe(new SubscriptionPattern("rx-.*"));
            pollUntil(consumer, "the member owns rx-a", () -> consumer.assignment().equals(partitions("rx-a", 2)));
            createTopic("rx-b", 1);
            createTopic("xrx-c", 1); // matches only in part: not subscribed
            Set<TopicPartition> both = new java.util.HashSet<>(partitions("rx-a", 2));
            both.addAll(partitions("rx-b", 1));
            pollUntil(consumer, "the member owns rx-b too", () -> consumer.assignment().equals(both));
            ConsumerGroupDescribeResponseData.DescribedGroup wire = describeOnTheWire("rx-g");
            assertEquals("rx-.*", wire.members().get(0).subscribedTopicRegex());
        }
        try (KafkaConsumer<byte[], byte[]> bad = consumer("rx-bad", "consumer")) {
            bad.subscribe(new SubscriptionPattern("(rx)\\1")); // a backreference: not RE2J
            KafkaException e = assertThrows(KafkaException.class, () -> pollUntil(bad, "refused", () -> false));
            assertInstanceOf(InvalidRegularExpression.class, e, e::toString);
        }
    }
}
