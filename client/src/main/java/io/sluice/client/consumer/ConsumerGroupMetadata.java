package io.sluice.client.consumer;

/**
 * Who this consumer is in its group right now. Immutable.
 *
 * @param groupId         the {@code group.id}
 * @param generationId    the member epoch (Kafka's generation): -1 before the first join
 * @param memberId        the id the coordinator gave this member, empty before the first join
 * @param groupInstanceId the {@code group.instance.id} of a static member, empty otherwise
 */
public record ConsumerGroupMetadata(String groupId, int generationId, String memberId, String groupInstanceId) {
}
