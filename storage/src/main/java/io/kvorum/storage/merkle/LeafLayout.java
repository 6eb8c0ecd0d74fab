package io.kvorum.storage.merkle;

import io.kvorum.common.Invariants;
import io.kvorum.common.TokenRange;

/**
 * How a token range splits into {@code 2^depth} leaves of equal width (to within one token).
 *
 * <p>Tokens are measured by their <em>offset</em> {@code token - start - 1} (unsigned, modulo
 * 2<sup>64</sup>), which runs from 0 to {@code width - 1} along the range, clockwise. Leaf {@code i}
 * holds the offsets {@code [b(i), b(i+1))} with {@code b(i) = floor(i * width / 2^depth)}; for the full
 * ring the width is 2<sup>64</sup> and {@code b(i) = i << (64 - depth)}. A depth is only valid when
 * every leaf holds at least one token ({@code 2^depth <= width}), so every leaf is a proper,
 * non-empty {@link TokenRange} and never the degenerate {@code (x, x]}, which would mean the whole ring.
 */
record LeafLayout(TokenRange range, int depth) {
    LeafLayout {
        Invariants.require(range != null, "range is null");
        Invariants.require(depth >= 0 && depth <= MerkleTree.MAX_DEPTH, "merkle depth must be 0..%d, got %d",
                MerkleTree.MAX_DEPTH, depth);
        Invariants.require(depth <= maxDepthFor(range), "depth %d leaves empty leaves in %s", depth, range);
    }

    /** The layout of {@code range} at {@code requestedDepth}, made shallower if the range has fewer tokens than leaves. */
    static LeafLayout of(TokenRange range, int requestedDepth) {
        Invariants.require(requestedDepth >= 0 && requestedDepth <= MerkleTree.MAX_DEPTH,
                "merkle depth must be 0..%d, got %d", MerkleTree.MAX_DEPTH, requestedDepth);
        return new LeafLayout(range, Math.min(requestedDepth, maxDepthFor(range)));
    }

    /** The deepest depth at which every leaf of {@code range} holds a token: floor(log2(width)). */
    static int maxDepthFor(TokenRange range) {
        if (range.isFullRing()) {
            return 64;
        }
        long width = range.endInclusive() - range.startExclusive(); // unsigned, in [1, 2^64 - 1]
        return 63 - Long.numberOfLeadingZeros(width);
    }

    int leafCount() {
        return 1 << depth;
    }

    /** The leaf holding {@code token}, which must lie in the range. */
    int leafOf(long token) {
        Invariants.require(range.contains(token), "token %d is outside %s", token, range);
        long offset = token - range.startExclusive() - 1;
        if (depth == 0) {
            return 0;
        }
        if (range.isFullRing()) {
            return (int) (offset >>> (64 - depth));
        }
        int low = 0; // invariant: boundary(low) <= offset < boundary(high)
        int high = leafCount();
        while (high - low > 1) {
            int middle = (low + high) >>> 1;
            if (Long.compareUnsigned(boundary(middle), offset) <= 0) {
                low = middle;
            } else {
                high = middle;
            }
        }
        return low;
    }

    /** The tokens of leaf {@code index}: {@code (start + b(i), start + b(i+1)]}. */
    TokenRange leafRange(int index) {
        Invariants.require(index >= 0 && index < leafCount(), "leaf %d of %d", index, leafCount());
        long start = range.startExclusive();
        return new TokenRange(start + boundary(index), start + boundary(index + 1));
    }

    /** {@code b(i) = floor(i * width / 2^depth)} modulo 2^64, for {@code i} in {@code [0, 2^depth]}. */
    private long boundary(int index) {
        long i = index;
        if (range.isFullRing()) {
            return depth == 0 ? 0 : i << (64 - depth);
        }
        long width = range.endInclusive() - range.startExclusive();
        if (depth == 0) {
            return i * width;
        }
        long productHigh = Math.unsignedMultiplyHigh(i, width); // < 2^depth, so the shift below loses nothing
        long productLow = i * width;
        return (productHigh << (64 - depth)) | (productLow >>> depth);
    }
}
