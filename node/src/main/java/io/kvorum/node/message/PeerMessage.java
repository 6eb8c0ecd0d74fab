package io.kvorum.node.message;

import io.kvorum.common.Bytes;
import io.kvorum.common.Key;
import io.kvorum.common.NodeId;
import io.kvorum.common.TokenRange;
import io.kvorum.gossip.GossipMessage;
import io.kvorum.storage.merkle.MerkleHash;
import io.kvorum.storage.merkle.MerkleTree;
import io.kvorum.storage.version.CausalContext;
import io.kvorum.storage.version.KeyLimits;
import io.kvorum.storage.version.Siblings;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Everything one node says to another. Requests carry the coordinator's {@code requestId}; the
 * matching response echoes it, so replies can arrive late, twice or never without confusion.
 */
public sealed interface PeerMessage {
    /**
     * A message that asks for an answer: its {@code requestId} comes back in a {@link Response}, and
     * when it cannot be sent the sender's core learns of it (and fails the request at once).
     */
    sealed interface Request extends PeerMessage {
        long requestId();
    }

    /** The answer to a {@link Request}, echoing its {@code requestId}; losing one costs only the requester a timeout. */
    sealed interface Response extends PeerMessage {
        long requestId();
    }

    /** A message that expects no answer (read repair, gossip): losing one is repaired by later rounds. */
    sealed interface OneWay extends PeerMessage {}

    /** What a replica read asks for: the whole state, or only its digest (Cassandra's digest reads). */
    enum ReadMode { DATA, DIGEST }

    /**
     * Read a key's local state: the whole of it ({@link ReadMode#DATA}, answered by a
     * {@link ReplicaGetResponse}) or only its digest ({@link ReadMode#DIGEST}, answered by a
     * {@link ReplicaDigestResponse}).
     */
    record ReplicaGetRequest(long requestId, Key key, ReadMode mode) implements Request {
        public ReplicaGetRequest {
            Objects.requireNonNull(mode, "mode");
        }

        /** A request for the whole state. */
        public ReplicaGetRequest(long requestId, Key key) {
            this(requestId, key, ReadMode.DATA);
        }
    }

    /** A replica's state of the key ({@link Siblings#EMPTY} when it has none). */
    record ReplicaGetResponse(long requestId, Siblings state) implements Response {}

    /**
     * A replica's digest of its state of the key, for a {@link ReadMode#DIGEST} read: the 128-bit
     * Merkle entry hash of key and state ({@code EntryHasher#entry}, equal states give equal
     * digests on every replica), or empty when the replica holds nothing for the key.
     */
    record ReplicaDigestResponse(long requestId, Optional<MerkleHash> digest) implements Response {}

    /**
     * Merge this state into yours durably, then acknowledge. With {@code hintFor} the receiver is a
     * stand-in for that node (sloppy quorum): it stores the state as a hint for it, not as its own data.
     */
    record ReplicaPutRequest(long requestId, Key key, Siblings state, Optional<NodeId> hintFor) implements Request {
        public ReplicaPutRequest(long requestId, Key key, Siblings state) {
            this(requestId, key, state, Optional.empty());
        }
    }

    /** The state (or hint) from the matching request is stored durably. */
    record ReplicaPutResponse(long requestId) implements Response {}

    /** The replica could not serve the request (for example its disk failed); counts as a failed reply. */
    record ReplicaFailure(long requestId, String reason) implements Response {}

    /** Read repair: merge this state, no reply expected. */
    record ReadRepair(Key key, Siblings state) implements OneWay {}

    /**
     * A write sent to a replica to coordinate because the receiving node is not one (only replicas
     * issue dots). {@code value} empty means delete; {@code context} empty means "no context given".
     */
    record ForwardWriteRequest(long requestId, Key key, Optional<Bytes> value, Optional<CausalContext> context,
                               int w, boolean sloppy, long timeoutMillis, long wallMillis) implements Request {}

    /**
     * The outcome of a forwarded write: written with {@code versionContext} and acknowledged by
     * {@code acks}; or (no context) refused by a key limit when {@code refused} is present, else
     * unavailable, for the reasons in {@code shortfall}.
     */
    record ForwardWriteResponse(long requestId, Optional<CausalContext> versionContext, List<Ack> acks, int required,
                                int acknowledged, Shortfall shortfall, Optional<KeyLimits.Exceeded> refused) implements Response {
        public ForwardWriteResponse {
            acks = List.copyOf(acks);
        }

        /** Written or unavailable: not refused. */
        public ForwardWriteResponse(long requestId, Optional<CausalContext> versionContext, List<Ack> acks, int required,
                                    int acknowledged, Shortfall shortfall) {
            this(requestId, versionContext, acks, required, acknowledged, shortfall, Optional.empty());
        }
    }

    /** One node that acknowledged a write: a preferred replica, or a stand-in holding a hint for {@code standInFor}. */
    record Ack(NodeId node, Optional<NodeId> standInFor) {}

    /** One key's state, as hints and anti-entropy move them. */
    record KeyState(Key key, Siblings state) {}

    /** Hinted handoff: merge these states, which a stand-in held for you, durably; then acknowledge. */
    record HintBatch(long requestId, List<KeyState> entries) implements Request {
        public HintBatch {
            entries = List.copyOf(entries);
        }
    }

    /** Every state of the matching {@link HintBatch} is stored durably. */
    record HintBatchAck(long requestId) implements Response {}

    /**
     * Anti-entropy, step 1: build your Merkle trees of these ranges at this depth, leaving out the keys
     * written in the {@code recent} window, and send them, if your ring's fingerprint is
     * {@code ringFingerprint} (0: not checked); ranges are compared only under a ring both sides agree on.
     */
    record TreeRequest(long requestId, List<TokenRange> ranges, int depth, RecentWrites recent, long ringFingerprint)
            implements Request {
        public TreeRequest {
            ranges = List.copyOf(ranges);
        }

        /** A request that leaves out no key and whose ring is not checked. */
        public TreeRequest(long requestId, List<TokenRange> ranges, int depth) {
            this(requestId, ranges, depth, RecentWrites.NONE, 0);
        }

        /** A request whose ring is not checked. */
        public TreeRequest(long requestId, List<TokenRange> ranges, int depth, RecentWrites recent) {
            this(requestId, ranges, depth, recent, 0);
        }
    }

    /** The trees of the matching {@link TreeRequest}, one per range, in its order. */
    record TreeResponse(long requestId, List<MerkleTree> trees) implements Response {
        public TreeResponse {
            trees = List.copyOf(trees);
        }
    }

    /**
     * One key's Merkle entry hash (the {@code EntryHasher} hash of key and state that the trees are
     * built from): equal hashes mean equal states, so a key whose hashes agree ships nothing.
     */
    record KeyHash(Key key, long high, long low) {}

    /**
     * Anti-entropy, step 2: {@code leaves} (disjoint; the leaves whose hashes differed) and the
     * sender's hashes of every key it holds in them, in strictly ascending key order, leaving out the
     * keys written in the {@code recent} window. Compare with your own hashes of the same leaves
     * (same window) and answer with your states of the keys that differ or that the sender lacks, at
     * most {@code maxBytes} of them, and the keys you want (that differ or that you lack); served only
     * if your ring's fingerprint is {@code ringFingerprint} (0: not checked).
     */
    record KeyHashesRequest(long requestId, List<TokenRange> leaves, List<KeyHash> hashes, long maxBytes, RecentWrites recent,
                            long ringFingerprint) implements Request {
        public KeyHashesRequest {
            leaves = List.copyOf(leaves);
            hashes = List.copyOf(hashes);
        }
    }

    /**
     * The answer to a {@link KeyHashesRequest}: the responder's states of the keys that differ or
     * that the requester lacks (to merge), and the keys of the request whose states it wants.
     */
    record KeyHashesResponse(long requestId, List<KeyState> entries, List<Key> wanted) implements Response {
        public KeyHashesResponse {
            entries = List.copyOf(entries);
            wanted = List.copyOf(wanted);
        }
    }

    /** Anti-entropy, step 3: the states the peer wanted ({@link KeyHashesResponse#wanted}); merge them durably, then acknowledge. */
    record KeyStatesRequest(long requestId, List<KeyState> entries) implements Request {
        public KeyStatesRequest {
            entries = List.copyOf(entries);
        }
    }

    /** Every state of the matching {@link KeyStatesRequest} is merged durably: the exchange is over. */
    record KeyStatesResponse(long requestId) implements Response {}

    /**
     * Range transfer (join, leave, remove, replace): send your states of the keys in {@code ranges}
     * (disjoint), range by range in this order and in key order within each, starting after
     * {@code after} in the first range (at its start when empty), at most {@code maxBytes} of them
     * beyond the first. The receiver pulls, so it sets the pace and keeps the cursor; many small
     * ranges from one source share a request.
     */
    record StreamRequest(long requestId, List<TokenRange> ranges, Optional<Key> after, long maxBytes) implements Request {
        public StreamRequest {
            ranges = List.copyOf(ranges);
        }
    }

    /**
     * The next states of a {@link StreamRequest}'s ranges: the first {@code rangesDone} ranges are
     * complete; the next one (if any) resumes after {@code resumeAfter} (from its start when empty);
     * {@code keysLeft} keys of the requested ranges follow. The codec checksums the entries, and a
     * batch that fails its check is never decoded.
     */
    record StreamBatch(long requestId, List<KeyState> entries, int rangesDone, Optional<Key> resumeAfter, long keysLeft)
            implements Response {
        public StreamBatch {
            entries = List.copyOf(entries);
        }
    }

    /** A membership gossip exchange step (SYN, ACK or ACK2), carried on the same connections. */
    record Gossip(GossipMessage message) implements OneWay {}
}
