package io.kvorum.node.protocol;

import io.kvorum.node.message.RecentWrites;
import io.kvorum.common.Bytes;
import io.kvorum.common.Key;
import io.kvorum.common.NodeId;
import io.kvorum.common.TokenRange;
import io.kvorum.node.message.PeerMessage.KeyState;
import io.kvorum.storage.hint.Hint;
import io.kvorum.storage.version.CausalContext;
import io.kvorum.storage.version.Actor;
import io.kvorum.storage.version.KeyLimits;
import io.kvorum.storage.version.Sibling;
import io.kvorum.storage.version.Siblings;
import java.util.List;
import java.util.Optional;

/**
 * A request to the local storage (engine and hint store), as pure data: the core decides, and the
 * driver executes it (the runtime's {@code StorageExecution} on the event loop or a worker, or the
 * simulator's disk) and feeds the {@link StorageResult} back.
 */
public sealed interface StorageOp {
    /** Read the key's state. */
    record Read(Key key) implements StorageOp {}

    /** Merge a replica state into the stored one. */
    record Merge(Key key, Siblings incoming, int maxActors) implements StorageOp {}

    /**
     * The coordinator's write: store a new version whose dot is {@code actor}'s {@code counter}
     * (reserved by the core, which owns the actor's dot floor; see {@code DotIssuer#reserved}), unless
     * it would take the key past {@code limits} (then nothing is stored). The result's version names
     * the dot issued, which the core takes back into its floor.
     */
    record CoordinateWrite(Key key, Actor actor, long counter, CausalContext clientContext, Optional<Bytes> value,
                           long wallMillis, int maxActors, KeyLimits limits) implements StorageOp {}

    /** Merge many states (handoff, anti-entropy), durable together; reports how many changed. */
    record MergeAll(List<KeyState> entries, int maxActors) implements StorageOp {
        public MergeAll {
            entries = List.copyOf(entries);
        }
    }

    /** Store a hint for its owner durably (refused when the owner's queue is full). */
    record StoreHint(Hint hint) implements StorageOp {}

    /** Load the owner's oldest hints: at most {@code maxCount}, and no more than {@code maxBytes} beyond the first. */
    record LoadHints(NodeId owner, int maxCount, long maxBytes) implements StorageOp {}

    /** Delete delivered hints. */
    record DeleteHints(NodeId owner, List<Long> ids) implements StorageOp {
        public DeleteHints {
            ids = List.copyOf(ids);
        }
    }

    /** Build a Merkle tree of each (disjoint) range from what the engine holds now, leaving out the {@code recent} keys. */
    record BuildTrees(List<TokenRange> ranges, int depth, RecentWrites recent) implements StorageOp {
        public BuildTrees {
            ranges = List.copyOf(ranges);
        }

        /** Trees of every key. */
        public BuildTrees(List<TokenRange> ranges, int depth) {
            this(ranges, depth, RecentWrites.NONE);
        }
    }

    /**
     * The Merkle entry hashes the engine keeps (no state is read for a key whose hash is kept) of the
     * keys in each (disjoint) range but the {@code recent} ones: anti-entropy's per-key comparison.
     */
    record Digests(List<TokenRange> ranges, RecentWrites recent) implements StorageOp {
        public Digests {
            ranges = List.copyOf(ranges);
        }
    }

    /** The states of these keys, in this order, skipping keys not stored, at most {@code maxBytes} of them beyond the first. */
    record ReadStates(List<Key> keys, long maxBytes) implements StorageOp {
        public ReadStates {
            keys = List.copyOf(keys);
        }
    }

    /**
     * One transfer batch: the states of the keys in {@code ranges} (disjoint), range by range and in
     * key order within each, from after {@code after} in the first range, at most {@code maxBytes}
     * of them beyond the first.
     */
    record StreamScan(List<TokenRange> ranges, Optional<Key> after, long maxBytes) implements StorageOp {
        public StreamScan {
            ranges = List.copyOf(ranges);
        }
    }

    /**
     * Drop, without a tombstone, up to {@code maxKeys} keys whose token lies in none of {@code keep}:
     * data whose ranges moved to new owners that hold it durably (cleanup). Reports how many went.
     */
    record Purge(List<TokenRange> keep, int maxKeys) implements StorageOp {
        public Purge {
            keep = List.copyOf(keep);
        }
    }

    /** A rough size of a state on the wire, for the byte bounds of batches. */
    public static long sizeOf(Key key, Siblings state) {
        long bytes = key.utf8().length() + 16L * state.context().actorCount() + 16;
        for (Sibling sibling : state.siblings()) {
            bytes += sibling.value().length() + 32L;
        }
        return bytes;
    }
}
