package io.kvorum.node.core;

import io.kvorum.common.NodeId;
import io.kvorum.node.message.PeerMessage;

/**
 * Delivers a node's {@link Effect.Send}s to peers: TCP in production, a simulated network in tests.
 * Delivery is best effort; a message that certainly cannot be delivered comes back to the sender's
 * core as {@link Input.SendFailed}.
 */
public interface Transport {
    void send(NodeId to, PeerMessage message);

    /** Forgets any connection to {@code peer}; the next send opens a new one. */
    void disconnect(NodeId peer);
}
