package io.kvorum.gossip;

import io.kvorum.common.Invariants;
import java.util.List;

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
 */
public record MemberInfo(String internodeAddress, String httpAddress, Status status, List<Long> tokens, long version) {
    /** Longest accepted address text; a host name is at most 253 characters. */
    public static final int ADDRESS_CHARS_MAX = 300;

    public MemberInfo {
        requireAddress(internodeAddress, "internode address");
        requireAddress(httpAddress, "http address");
        Invariants.require(status != null, "status must be set");
        Invariants.require(tokens != null, "tokens must be set");
        tokens = List.copyOf(tokens);
        Invariants.require(version >= 0, "info version must be >= 0, got %d", version);
    }

    /** This info with another status and version. */
    public MemberInfo withStatus(Status newStatus, long newVersion) {
        return new MemberInfo(internodeAddress, httpAddress, newStatus, tokens, newVersion);
    }

    /** This info with other tokens and version. */
    public MemberInfo withTokens(List<Long> newTokens, long newVersion) {
        return new MemberInfo(internodeAddress, httpAddress, status, newTokens, newVersion);
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
