package io.kvorum.gossip;

import io.kvorum.common.Invariants;
import java.util.List;

/**
 * The three messages of one gossip exchange (Cassandra's SYN/ACK/ACK2): the initiator sends digests,
 * the receiver answers with what is newer on its side and asks for what is newer on the initiator's,
 * and the initiator sends what was asked. Two round trips' worth of state move in three messages.
 */
public sealed interface GossipMessage {
    /**
     * Opens an exchange: the initiator's digests (all of them when {@code complete}, else a bounded
     * sample) and its own internode address, so that a receiver that has never heard of it can answer.
     */
    record GossipSyn(String senderInternodeAddress, List<Digest> digests, boolean complete) implements GossipMessage {
        public GossipSyn {
            MemberInfo.requireAddress(senderInternodeAddress, "sender internode address");
            Invariants.require(digests != null, "digests must be set");
            digests = List.copyOf(digests);
        }
    }

    /** Answers a SYN: states newer than the initiator's digests, and requests for states newer on its side. */
    record GossipAck(List<MemberUpdate> updates, List<Digest> requests) implements GossipMessage {
        public GossipAck {
            Invariants.require(updates != null && requests != null, "updates and requests must be set");
            updates = List.copyOf(updates);
            requests = List.copyOf(requests);
        }
    }

    /**
     * Closes an exchange with the states the ACK asked for. Also used alone to push a node's own state
     * (its shutdown announcement, an operator's removal) to live peers.
     */
    record GossipAck2(List<MemberUpdate> updates) implements GossipMessage {
        public GossipAck2 {
            Invariants.require(updates != null, "updates must be set");
            updates = List.copyOf(updates);
        }
    }
}
