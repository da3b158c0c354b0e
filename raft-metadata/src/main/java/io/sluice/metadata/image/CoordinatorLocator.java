package io.sluice.metadata.image;

import java.nio.charset.StandardCharsets;
import java.util.OptionalInt;

/**
 * Which broker coordinates a group: rendezvous hashing of the group id over the live brokers (those
 * registered, unfenced and not shutting down). Every node computes the same answer from the same
 * image, and when a broker leaves only its own groups move (a plain hash modulo the broker count
 * would move almost all of them). Stateless; thread-safe.
 */
public final class CoordinatorLocator {

    private CoordinatorLocator() {
    }

    /** The coordinator of {@code groupId}, or empty when no broker is live. */
    public static OptionalInt coordinatorFor(String groupId, ClusterImage cluster) {
        long groupHash = fnv1a(groupId);
        int best = -1;
        long bestScore = Long.MIN_VALUE;
        for (BrokerRegistration broker : cluster.brokers().values()) {
            if (!broker.isEligible()) {
                continue;
            }
            long score = score(groupHash, broker.id());
            if (best == -1 || score > bestScore) {
                best = broker.id();
                bestScore = score;
            }
        }
        return best == -1 ? OptionalInt.empty() : OptionalInt.of(best);
    }

    /**
     * Whether {@code broker} has coordinated {@code groupId} without a break from the image at index
     * {@code since} to this one: it has been eligible all along, and every broker that would outrank it
     * for the group has been ineligible all along. A group that moved away and back in between fails
     * this, although it is the broker's again now.
     */
    public static boolean coordinatedSince(String groupId, int broker, long since, ClusterImage cluster) {
        if (!cluster.isEligible(broker) || cluster.eligibilityChangedAt(broker) > since) {
            return false;
        }
        long groupHash = fnv1a(groupId);
        long score = score(groupHash, broker);
        for (BrokerRegistration other : cluster.brokers().values()) {
            long otherScore = score(groupHash, other.id());
            boolean outranks = otherScore > score || otherScore == score && other.id() < broker;
            if (other.id() != broker && outranks
                    && (other.isEligible() || cluster.eligibilityChangedAt(other.id()) > since)) {
                return false;
            }
        }
        return true;
    }

    private static long score(long groupHash, int broker) {
        return mix(groupHash ^ (broker * 0x9E3779B97F4A7C15L));
    }

    /** 64-bit FNV-1a of the UTF-8 bytes: fixed by definition, unlike a JVM's hash codes might be. */
    private static long fnv1a(String s) {
        long h = 0xcbf29ce484222325L;
        for (byte b : s.getBytes(StandardCharsets.UTF_8)) {
            h ^= b & 0xff;
            h *= 0x100000001b3L;
        }
        return h;
    }

    /** The SplitMix64 finalizer: spreads nearby inputs over the whole range. */
    private static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
        z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
        return z ^ (z >>> 31);
    }
}
