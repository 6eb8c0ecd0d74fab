package io.kvorum.node.coordinator;

import io.kvorum.common.Key;
import io.kvorum.storage.merkle.EntryHasher;
import io.kvorum.storage.merkle.MerkleHash;
import io.kvorum.storage.version.Siblings;
import java.util.Optional;

/**
 * The digest a digest read compares: the Merkle entry hash of key and state ({@link EntryHasher#entry},
 * the same function anti-entropy uses), or empty for a key the replica does not hold.
 *
 * <p>Why this hash: it is a function of the key and the state's versions alone (its canonical
 * encoding of context and dots), so replicas with equal states compute equal digests, and
 * 128 bits of SHA-256 make two different states collide with probability 2<sup>-128</sup>.
 * Values are left out because a dot names one write: equal dots mean equal values. An absent key
 * is a marker of its own rather than the hash of the empty state, so it costs no hashing.
 * Not thread-safe: one per owner (the node's core).
 */
public final class StateDigester {
    private final EntryHasher hasher = new EntryHasher();

    /** The digest of {@code state}, {@code key}'s state on one replica. */
    public Optional<MerkleHash> digest(Key key, Siblings state) {
        return state.equals(Siblings.EMPTY) ? Optional.empty() : Optional.of(hasher.entry(key, state));
    }
}
