package io.sluice.group;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Kafka's rules for the protocols of a classic group: who may join (same protocol type, a protocol
 * every member offers) and which protocol a new generation uses. Stateless.
 */
final class ClassicProtocols {
    private ClassicProtocols() {
    }

    /** Why {@code r} cannot join a group with these members, or null when it can. */
    static String mismatch(String groupId, String protocolType, Collection<ClassicMember> members, Classic.JoinRequest r) {
        if (r.protocolType() == null || r.protocolType().isEmpty() || r.protocols().isEmpty()) {
            return "a JoinGroup needs a protocol type and at least one protocol";
        }
        if (members.isEmpty()) {
            return null;
        }
        if (!r.protocolType().equals(protocolType)) {
            return "group '" + groupId + "' uses protocol type '" + protocolType + "', not '" + r.protocolType() + "'";
        }
        for (Classic.Protocol p : r.protocols()) {
            if (members.stream().allMatch(m -> m.memberId.equals(r.memberId()) || m.metadata(p.name()) != null)) {
                return null;
            }
        }
        return "none of the protocols " + r.protocols().stream().map(Classic.Protocol::name).toList()
                + " is supported by every member of group '" + groupId + "' (the assignors must overlap)";
    }

    /**
     * The protocol most members prefer (each votes for the first it offers that every member offers);
     * ties go to the first name, so every run picks the same. {@code members} is not empty.
     */
    static String select(Collection<ClassicMember> members) {
        List<String> candidates = new ArrayList<>();
        for (Classic.Protocol p : members.iterator().next().protocols) {
            if (members.stream().allMatch(m -> m.metadata(p.name()) != null)) {
                candidates.add(p.name());
            }
        }
        Map<String, Integer> votes = new TreeMap<>();
        for (ClassicMember m : members) {
            for (Classic.Protocol p : m.protocols) {
                if (candidates.contains(p.name())) {
                    votes.merge(p.name(), 1, Integer::sum);
                    break;
                }
            }
        }
        return votes.entrySet().stream().max(Map.Entry.comparingByValue()).orElseThrow().getKey();
    }
}
