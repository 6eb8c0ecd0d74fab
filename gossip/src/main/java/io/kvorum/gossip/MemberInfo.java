package io.kvorum.gossip;

import io.kvorum.common.Invariants;
import io.kvorum.common.NodeId;
import java.util.List;
import java.util.Optional;

/**
 * The slowly changing part of a member's state: where to reach it, its status and its tokens, with
 * the member's version counter value at the last change.
 *
 * <p>The heartbeat changes every round and travels alone; this part travels only when its
 * {@code version} is newer than what the receiver has, so a thousand tokens are not resent every
 * second (Cassandra's split of heartbeat and application states).
 *
 * @param internodeAddress {@code host:port} of the member's internode transport
 * @param httpAddress {@code host:port} of its client HTTP API
 * @param tokens its ring tokens (vnodes), as the member chose them
 * @param version the member's version counter when this info last changed
 * @param replaces for a node started to replace a dead one (Cassandra's replace_address): that node,
 *     whose tokens it took; kept after it is up, so every node drops the dead one from its ring
 * @param seenPlan the membership change plan ({@code RingChangePlan#id}) the member sees now, 0 for none:
 *     a transfer starts only once every live member has seen its plan, so every write reaches the new owner
 * @param streamedPlan the last plan for which the member has received every range it gains, 0 for none
 */
public record MemberInfo(String internodeAddress, String httpAddress, Status status, List<Long> tokens, long version,
                         Optional<NodeId> replaces, long seenPlan, long streamedPlan) {
    /** Longest accepted address text; a host name is at most 253 characters. */
    public static final int ADDRESS_CHARS_MAX = 300;

    public MemberInfo {
        requireAddress(internodeAddress, "internode address");
        requireAddress(httpAddress, "http address");
        Invariants.require(status != null, "status must be set");
        Invariants.require(tokens != null, "tokens must be set");
        tokens = List.copyOf(tokens);
        Invariants.require(version >= 0, "info version must be >= 0, got %d", version);
        Invariants.require(replaces != null, "replaces must be set (empty for none)");
    }

    /** The info of a member that replaces nobody and has seen no change plan. */
    public MemberInfo(String internodeAddress, String httpAddress, Status status, List<Long> tokens, long version) {
        this(internodeAddress, httpAddress, status, tokens, version, Optional.empty(), 0, 0);
    }

    /** This info with other plans seen and streamed, and version. */
    public MemberInfo withPlans(long newSeenPlan, long newStreamedPlan, long newVersion) {
        return new MemberInfo(internodeAddress, httpAddress, status, tokens, newVersion, replaces, newSeenPlan, newStreamedPlan);
    }

    /** This info naming the dead node this one replaces, with version. */
    public MemberInfo withReplaces(NodeId replaced, long newVersion) {
        return new MemberInfo(internodeAddress, httpAddress, status, tokens, newVersion, Optional.of(replaced), seenPlan, streamedPlan);
    }

    /** This info with another status and version. */
    public MemberInfo withStatus(Status newStatus, long newVersion) {
        return new MemberInfo(internodeAddress, httpAddress, newStatus, tokens, newVersion, replaces, seenPlan, streamedPlan);
    }

    /** This info with other tokens and version. */
    public MemberInfo withTokens(List<Long> newTokens, long newVersion) {
        return new MemberInfo(internodeAddress, httpAddress, status, newTokens, newVersion, replaces, seenPlan, streamedPlan);
    }

    /** Checks the {@code host:port} shape: a non-blank host, a colon, a port of digits. */
    static void requireAddress(String address, String what) {
        Invariants.require(address != null, "%s must be set", what);
        int colon = address.lastIndexOf(':');
        boolean shaped = address.length() <= ADDRESS_CHARS_MAX && colon > 0 && colon < address.length() - 1
                && address.substring(colon + 1).chars().allMatch(c -> c >= '0' && c <= '9')
                && !address.isBlank() && address.strip().equals(address);
        Invariants.require(shaped, "%s must be host:port (at most %d characters), got '%s'",
                what, ADDRESS_CHARS_MAX, address.length() > 80 ? address.substring(0, 80) + "..." : address);
    }
}
