package io.sluice.client.admin;

/**
 * The log cleaner's progress on one broker's replica of a compacted partition, as DescribeLogCleaner
 * reports it (every replica cleans its own copy, so each replica has its own).
 *
 * @param dirtyRatio dirty bytes over cleanable bytes of the replica, in [0, 1]
 * @param lastCleanedOffset the replica is cleaned below this offset (its first dirty offset)
 * @param passes cleaning passes since the broker started
 * @param recordsRemoved records removed since the broker started
 */
public record CleanerProgress(double dirtyRatio, long lastCleanedOffset, long passes, long recordsRemoved) {
}
