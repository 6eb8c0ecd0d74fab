package io.kvorum.node.core;

import io.kvorum.node.protocol.StorageResult;
import io.kvorum.common.Bytes;
import io.kvorum.common.Key;
import io.kvorum.common.NodeId;
import io.kvorum.node.message.PeerMessage;
import io.kvorum.storage.version.CausalContext;
import java.util.Optional;

/** Everything that can happen to a node, as data; {@link NodeCore#step} is the only way in. */
public sealed interface Input {
    /**
     * A client read with resolved {@code r}, quorum kind and timeout; answered by a
     * {@link Effect.ReadReply} with the same id.
     */
    record ClientGet(long clientRequestId, Key key, int r, boolean sloppy, long timeoutMillis) implements Input {
        /** A sloppy read. */
        public ClientGet(long clientRequestId, Key key, int r, long timeoutMillis) {
            this(clientRequestId, key, r, true, timeoutMillis);
        }
    }

    /**
     * A client write: {@code value} empty is a delete; {@code context} empty means the client gave
     * none. {@code wallMillis} is the wall time stamped into the new version (for pruning only).
     */
    record ClientWrite(long clientRequestId, Key key, Optional<Bytes> value, Optional<CausalContext> context,
                       int w, boolean sloppy, long timeoutMillis, long wallMillis) implements Input {
        /** A sloppy write. */
        public ClientWrite(long clientRequestId, Key key, Optional<Bytes> value, Optional<CausalContext> context,
                           int w, long timeoutMillis, long wallMillis) {
            this(clientRequestId, key, value, context, w, true, timeoutMillis, wallMillis);
        }
    }

    /** A message from a peer (or from this node to itself). */
    record PeerReceived(NodeId from, PeerMessage message) implements Input {}

    /** The transport could not deliver {@code message} to {@code to} (connection refused or lost). */
    record SendFailed(NodeId to, PeerMessage message) implements Input {}

    /** A timer set by {@link Effect.SetTimer} fired. */
    record TimerFired(long timerId) implements Input {}

    /** A storage operation requested by {@link Effect.Storage} finished. */
    record StorageDone(long operationId, StorageResult result) implements Input {}

    /** A gossip round is due (every gossip interval). */
    record Tick() implements Input {}

    /** The node is shutting down: announce it, so peers stop counting on this node at once. */
    record ShuttingDown() implements Input {}

    /** An operator's membership change, answered by an {@link Effect.AdminReply} with the same id. */
    record Admin(long requestId, AdminCommand command) implements Input {}

    /** What an operator can ask of the membership. */
    sealed interface AdminCommand {
        /** This node leaves the cluster (decommission). */
        record Leave() implements AdminCommand {}

        /** The dead member {@code node} is removed for good. */
        record Remove(NodeId node) implements AdminCommand {}
    }
}
