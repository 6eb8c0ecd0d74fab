package io.kvorum.node.protocol;

import io.kvorum.common.NodeId;
import io.kvorum.node.message.PeerMessage.KeyHash;
import io.kvorum.node.message.PeerMessage.KeyState;
import io.kvorum.storage.hint.Hints;
import io.kvorum.storage.merkle.MerkleTree;
import io.kvorum.storage.version.KeyLimits;
import io.kvorum.storage.version.Siblings;
import java.util.List;

/** The outcome of a {@link StorageOp}. */
public sealed interface StorageResult {
    /** Why a storage operation did not give the result its caller expected, for a failure reply. */
    static String failureReason(StorageResult result) {
        return result instanceof Failed failed ? failed.reason() : "unexpected storage result";
    }

    /** The key's state after a read or merge. */
    record Loaded(Siblings state) implements StorageResult {}

    /**
     * The coordinator's new version, visible to readers; {@code durable} false means its sync is
     * still running and a {@link Durable} (or {@link Failed}) for the same operation follows.
     */
    record Written(Siblings.NewVersion version, boolean durable) implements StorageResult {}

    /** The coordinator's write was not stored: it would have taken the key past a limit. */
    record Refused(KeyLimits.Exceeded exceeded) implements StorageResult {}

    /** The coordinator's earlier {@link Written} version is now durable. */
    record Durable() implements StorageResult {}

    /** A hint was stored durably, or ({@code accepted} false) refused because its owner's queue is full. */
    record HintStored(boolean accepted) implements StorageResult {}

    /** Hints for one owner, oldest first. */
    record HintsLoaded(List<Hints.Entry> entries) implements StorageResult {
        public HintsLoaded {
            entries = List.copyOf(entries);
        }
    }

    /** States were merged durably; {@code changed} of them changed what this node stored. */
    record Merged(int changed) implements StorageResult {}

    /** Merkle trees, one per requested range, in order, and how many keys they hold in all. */
    record Trees(List<MerkleTree> trees, long keys) implements StorageResult {
        public Trees {
            trees = List.copyOf(trees);
        }
    }

    /** The stored states of the keys read; {@code complete} false when the byte bound cut the list short. */
    record StatesRead(List<KeyState> entries, boolean complete) implements StorageResult {
        public StatesRead {
            entries = List.copyOf(entries);
        }
    }

    /** The entry hashes of a {@link StorageOp.Digests}: one list per requested range, in its order, each in ascending key order. */
    record Digested(List<List<KeyHash>> perRange) implements StorageResult {
        public Digested {
            perRange = perRange.stream().map(List::copyOf).toList();
        }
    }

    /** A change with nothing to report (hints deleted). */
    record Done() implements StorageResult {}

    /**
     * One transfer batch ({@link StorageOp.StreamScan}): its first {@code rangesDone} ranges are
     * complete, the next resumes after {@code resumeAfter}, and {@code keysLeft} keys follow.
     */
    record Streamed(List<KeyState> entries, int rangesDone, java.util.Optional<io.kvorum.common.Key> resumeAfter, long keysLeft)
            implements StorageResult {
        public Streamed {
            entries = List.copyOf(entries);
        }
    }

    /** The engine failed (I/O error); nothing is promised about the key. */
    record Failed(String reason) implements StorageResult {}
}
