package io.kvorum.gossip;

import io.kvorum.common.NodeId;

/** What {@link GossipProtocol} asks its driver to do or tells it, as data. */
public sealed interface GossipOutput {
    /** Deliver {@code message} to {@code to}, whose internode transport listens at {@code internodeAddress}. */
    record Send(NodeId to, String internodeAddress, GossipMessage message) implements GossipOutput {}

    /**
     * This node's view of a member changed; {@code status} is the member's local status afterwards
     * ({@link GossipProtocol#status}). The node core rebuilds its ring and healthy set from
     * {@link GossipProtocol#state()} on these.
     */
    record MemberChanged(NodeId id, Change change, Status status) implements GossipOutput {}

    /** Why a member's view changed (Cassandra's state-change subscriber callbacks, as data). */
    enum Change {
        /** First heard of. */
        DISCOVERED,
        /** Came back with a higher generation: the same member after a restart. */
        RESTARTED,
        /** Its gossiped info (status, addresses, tokens) changed within a generation. */
        UPDATED,
        /** The failure detector convicted it: suspected down locally. */
        SUSPECTED,
        /** A suspected member's heartbeat advanced again. */
        RECOVERED,
        /** Evicted by an operator (a REMOVED tombstone arrived or was written here). */
        REMOVED
    }
}
