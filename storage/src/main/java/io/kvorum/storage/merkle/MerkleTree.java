package io.kvorum.storage.merkle;

import io.kvorum.common.Invariants;
import io.kvorum.common.Key;
import io.kvorum.common.TokenRange;
import io.kvorum.storage.version.Siblings;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.BiConsumer;
import java.util.function.ToLongFunction;

/**
 * An immutable Merkle tree over the stored keys of one token range, for anti-entropy between replicas.
 *
 * <p>Design note. Dynamo [1] keeps one Merkle tree [2] per key range a node hosts; two replicas
 * compare their trees top-down and exchange only the keys under leaves whose hashes differ, so
 * replicas that agree cost one hash comparison and replicas that differ in a few keys cost a few
 * leaves. Like Cassandra's {@code MerkleTree} [3], the tree here is over the token space rather than
 * over the keys: the range splits into {@code 2^depth} leaves of equal token width, so both replicas
 * build trees of the same shape whatever keys they hold, and a leaf is a token sub-range that the node
 * can scan and stream directly.
 *
 * <ul>
 *   <li><b>Leaves</b> are <em>sums</em> of entry hashes (see {@link EntryHasher} for the hash and why
 *       128 bits suffice). A sum is order-independent, so a tree built from a scan in any order equals
 *       one maintained incrementally (subtract the old entry's hash, add the new one), as Riak's
 *       active anti-entropy [4] maintains its trees; Kvorum builds its trees from a scan when an
 *       exchange starts (see the node's {@code AntiEntropy} for why), but the sums keep both open. An empty leaf is {@link MerkleHash#ZERO}.</li>
 *   <li><b>Inner nodes</b> are SHA-256 digests of their two children, as in [2]; they are computed
 *       once, when the tree is made, from the leaves alone, so a decoded tree never trusts a peer's
 *       inner hashes.</li>
 *   <li><b>Shape</b>: depth {@value #DEFAULT_DEPTH} by default (1024 leaves, a 16 KiB wire form), at
 *       most {@value #MAX_DEPTH}, and shallower when the range holds fewer tokens than leaves, so no
 *       leaf is empty of tokens (see {@link LeafLayout}). Two trees are comparable when their range and
 *       depth are equal.</li>
 *   <li><b>Exchange</b>: replicas first compare roots; on a mismatch one sends its whole leaf array
 *       ({@link MerkleCodec}) and the other calls {@link #difference}. Two rounds, 16 KiB per range:
 *       cheaper than a level-by-level walk in round trips, and the bytes are small.</li>
 * </ul>
 *
 * <p>References: [1] DeCandia et al., Dynamo, SOSP 2007, §4.7. [2] R. Merkle, "A Digital Signature
 * Based on a Conventional Encryption Function", CRYPTO 1987. [3] Apache Cassandra,
 * {@code org.apache.cassandra.utils.MerkleTree}. [4] Basho Riak KV, {@code hashtree.erl}. Issue 5.
 */
public final class MerkleTree {
    /** 1024 leaves: a leaf of a range holding a million keys covers about a thousand of them. */
    public static final int DEFAULT_DEPTH = 10;
    /** 65,536 leaves, a 1 MiB wire form: the bound on memory and bytes per tree. */
    public static final int MAX_DEPTH = 16;

    private final LeafLayout layout;
    /** Node {@code k} (root 1, children {@code 2k} and {@code 2k+1}, leaves from {@code leafCount}) at {@code [2k, 2k+1]}. */
    private final long[] nodes;

    private MerkleTree(LeafLayout layout, long[] nodes) {
        this.layout = layout;
        this.nodes = nodes;
    }

    /** A builder of the tree of {@code range} at {@code depth} (made shallower for ranges with fewer tokens than leaves). */
    public static Builder builder(TokenRange range, int depth) {
        return new Builder(LeafLayout.of(range, depth));
    }

    /**
     * The tree over {@code leafLanes} (high and low lane of leaf {@code i} at {@code 2i} and
     * {@code 2i+1}), computing the inner nodes. The array is copied.
     */
    static MerkleTree fromLeaves(LeafLayout layout, long[] leafLanes, EntryHasher hasher) {
        int leafCount = layout.leafCount();
        Invariants.check(leafLanes.length == 2 * leafCount, "%d leaf lanes for %d leaves", leafLanes.length, leafCount);
        long[] nodes = new long[4 * leafCount];
        System.arraycopy(leafLanes, 0, nodes, 2 * leafCount, 2 * leafCount);
        for (int k = leafCount - 1; k >= 1; k--) {
            MerkleHash inner = hasher.children(nodes[4 * k], nodes[4 * k + 1], nodes[4 * k + 2], nodes[4 * k + 3]);
            nodes[2 * k] = inner.high();
            nodes[2 * k + 1] = inner.low();
        }
        return new MerkleTree(layout, nodes);
    }

    public TokenRange range() {
        return layout.range();
    }

    /** The depth actually used, which is below the requested one only for ranges of fewer than {@code 2^depth} tokens. */
    public int depth() {
        return layout.depth();
    }

    public int leafCount() {
        return layout.leafCount();
    }

    public MerkleHash root() {
        return node(1);
    }

    public MerkleHash leaf(int index) {
        Invariants.require(index >= 0 && index < leafCount(), "leaf %d of %d", index, leafCount());
        return node(leafCount() + index);
    }

    /** The token sub-range of leaf {@code index}; leaves are numbered clockwise from the range's start. */
    public TokenRange leafRange(int index) {
        return layout.leafRange(index);
    }

    /** The leaf whose sub-range holds {@code token}, which must lie in {@link #range()}. */
    public int leafOf(long token) {
        return layout.leafOf(token);
    }

    /** True when the trees cover the same range at the same depth, so their leaves correspond. */
    public boolean comparableWith(MerkleTree other) {
        return layout.equals(other.layout);
    }

    /**
     * The sub-ranges of the leaves whose hashes differ, clockwise from the range's start: comparing
     * top-down, descending only into subtrees whose hashes differ. Empty when the roots are equal.
     *
     * @throws IllegalArgumentException when the trees are not {@linkplain #comparableWith comparable}
     */
    public List<TokenRange> difference(MerkleTree other) {
        List<TokenRange> ranges = new ArrayList<>();
        for (int leaf : differingLeaves(other)) {
            ranges.add(leafRange(leaf));
        }
        return ranges;
    }

    /** The indexes of the leaves whose hashes differ, ascending (see {@link #difference}). */
    public List<Integer> differingLeaves(MerkleTree other) {
        Invariants.require(comparableWith(other), "cannot compare a tree of %s depth %d with one of %s depth %d",
                range(), depth(), other.range(), other.depth());
        List<Integer> leaves = new ArrayList<>();
        collectDifferences(1, other, leaves);
        return leaves;
    }

    private void collectDifferences(int k, MerkleTree other, List<Integer> leaves) {
        if (nodes[2 * k] == other.nodes[2 * k] && nodes[2 * k + 1] == other.nodes[2 * k + 1]) {
            return;
        }
        if (k >= leafCount()) {
            leaves.add(k - leafCount());
            return;
        }
        collectDifferences(2 * k, other, leaves);
        collectDifferences(2 * k + 1, other, leaves);
    }

    private MerkleHash node(int k) {
        return new MerkleHash(nodes[2 * k], nodes[2 * k + 1]);
    }

    /** Equal trees have the same range, depth and hashes. */
    @Override
    public boolean equals(Object o) {
        return o instanceof MerkleTree other && layout.equals(other.layout) && Arrays.equals(nodes, other.nodes);
    }

    @Override
    public int hashCode() {
        return 31 * layout.hashCode() + Long.hashCode(nodes[2] ^ nodes[3]);
    }

    @Override
    public String toString() {
        return "MerkleTree[" + range() + ", depth " + depth() + ", root " + root() + "]";
    }

    /**
     * Accumulates (key, state) pairs, in any order, into a tree: the rebuild-from-a-scan path.
     * Single owner; may {@link #build} more than once (each build is a snapshot).
     */
    public static final class Builder {
        private final LeafLayout layout;
        private final long[] leafLanes;
        private final EntryHasher hasher = new EntryHasher();

        Builder(LeafLayout layout) {
            this.layout = layout;
            this.leafLanes = new long[2 * layout.leafCount()];
        }

        /**
         * Adds a stored key's state; {@code token} must be the key's token and lie in the range. A state
         * equal to {@link Siblings#EMPTY} (the engines' "absent") adds nothing. Adding a key twice is a caller's bug.
         */
        public Builder add(long token, Key key, Siblings state) {
            if (state.equals(Siblings.EMPTY)) {
                layout.leafOf(token); // still rejects a token outside the range
            } else {
                MerkleHash hash = hasher.entry(key, state);
                addEntry(token, hash.high(), hash.low());
            }
            return this;
        }

        /** A visitor for {@code StorageEngine.scan(range, ...)}, placing keys with the partitioner's {@code tokenizer}. */
        public BiConsumer<Key, Siblings> visitor(ToLongFunction<Key> tokenizer) {
            return (key, state) -> add(tokenizer.applyAsLong(key), key, state);
        }

        /** Adds a key by its entry hash ({@link EntryHasher#entry}), computed earlier: as {@link #add}, without the state. */
        public Builder addEntry(long token, long entryHigh, long entryLow) {
            int leaf = layout.leafOf(token);
            leafLanes[2 * leaf] += entryHigh;
            leafLanes[2 * leaf + 1] += entryLow;
            return this;
        }

        public MerkleTree build() {
            return fromLeaves(layout, leafLanes, hasher);
        }
    }
}
