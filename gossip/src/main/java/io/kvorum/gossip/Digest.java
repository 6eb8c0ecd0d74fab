package io.kvorum.gossip;

import io.kvorum.common.Invariants;
import io.kvorum.common.NodeId;

/**
 * How much one node knows about a member: the member's generation and the highest version seen in
 * it. In a {@link GossipMessage.GossipAck} a digest is a request: "send me what is newer than this";
 * generation 0 means "I know nothing of it".
 */
public record Digest(NodeId id, long generation, long maxVersion) {
    public Digest {
        Invariants.require(id != null, "digest id must be set");
        Invariants.require(generation >= 0, "digest generation must be >= 0, got %d", generation);
        Invariants.require(maxVersion >= 0, "digest max version must be >= 0, got %d", maxVersion);
    }

    /** The request of a node that has never heard of {@code id}. */
    public static Digest unknown(NodeId id) {
        return new Digest(id, 0, 0);
    }

    /** Orders by (generation, maxVersion): positive when this digest describes newer state than {@code other}. */
    public int compareVersion(Digest other) {
        int byGeneration = Long.compare(generation, other.generation);
        return byGeneration != 0 ? byGeneration : Long.compare(maxVersion, other.maxVersion);
    }
}
