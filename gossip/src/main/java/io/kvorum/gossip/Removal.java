package io.kvorum.gossip;

import java.util.List;

/** The outcome of an operator's request to evict a member ({@link GossipProtocol#remove}) and what to send for it. */
public record Removal(Outcome outcome, List<GossipOutput> outputs) {
    public Removal {
        outputs = List.copyOf(outputs);
    }

    /** Why the eviction happened or not. */
    public enum Outcome {
        /** A REMOVED tombstone was written; it is pushed to live peers and spreads by gossip. */
        REMOVED,
        /** No such member is known here. */
        UNKNOWN_MEMBER,
        /** Refused: this node still sees the member alive, and a live member cannot be evicted. */
        STILL_ALIVE,
        /** Refused: a node does not evict itself (it announces LEAVING, then REMOVED, instead). */
        SELF,
        /** Nothing to do: it is already removed. */
        ALREADY_REMOVED
    }
}
