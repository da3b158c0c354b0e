package io.sluice.client.admin;

/**
 * A group as {@link Admin#listConsumerGroups} reports it. Immutable.
 *
 * @param groupId the group id
 * @param state   Empty, Reconciling or Stable
 * @param members how many members it has
 */
public record ConsumerGroupListing(String groupId, String state, int members) {
}
