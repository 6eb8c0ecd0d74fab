package io.kvorum.node.message;

import io.kvorum.common.Bytes;
import io.kvorum.common.Key;
import io.kvorum.gossip.GossipMessage;
import io.kvorum.storage.version.CausalContext;
import io.kvorum.storage.version.Siblings;
import java.util.Optional;

/**
 * Everything one node says to another. Requests carry the coordinator's {@code requestId}; the
 * matching response echoes it, so replies can arrive late, twice or never without confusion.
 */
public sealed interface PeerMessage {
    /** Read a key's whole local state. */
    record ReplicaGetRequest(long requestId, Key key) implements PeerMessage {}

    /** A replica's state of the key ({@link Siblings#EMPTY} when it has none). */
    record ReplicaGetResponse(long requestId, Siblings state) implements PeerMessage {}

    /** Merge this state into yours durably, then acknowledge. */
    record ReplicaPutRequest(long requestId, Key key, Siblings state) implements PeerMessage {}

    /** The state from the matching request is stored durably. */
    record ReplicaPutResponse(long requestId) implements PeerMessage {}

    /** The replica could not serve the request (for example its disk failed); counts as a failed reply. */
    record ReplicaFailure(long requestId, String reason) implements PeerMessage {}

    /** Read repair: merge this state, no reply expected. */
    record ReadRepair(Key key, Siblings state) implements PeerMessage {}

    /**
     * A write sent to a replica to coordinate because the receiving node is not one (only replicas
     * issue dots). {@code value} empty means delete; {@code context} empty means "no context given".
     */
    record ForwardWriteRequest(long requestId, Key key, Optional<Bytes> value, Optional<CausalContext> context,
                               int w, long timeoutMillis, long wallMillis) implements PeerMessage {}

    /** The outcome of a forwarded write: written with {@code versionContext}, or unavailable. */
    record ForwardWriteResponse(long requestId, Optional<CausalContext> versionContext, int required, int acknowledged)
            implements PeerMessage {}

    /** A membership gossip exchange step (SYN, ACK or ACK2), carried on the same connections. */
    record Gossip(GossipMessage message) implements PeerMessage {}
}
