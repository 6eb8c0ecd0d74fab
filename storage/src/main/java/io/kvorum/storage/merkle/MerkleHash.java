package io.kvorum.storage.merkle;

import io.kvorum.common.ByteReader;
import io.kvorum.common.ByteWriter;
import java.util.HexFormat;

/**
 * A 128-bit hash in a Merkle tree: a leaf's sum of entry hashes, or an inner node's digest of its children.
 *
 * <p>Leaf hashes form a group under {@link #plus} and {@link #minus} (two independent lanes, each
 * added modulo 2<sup>64</sup>), which is what lets a leaf be maintained incrementally: adding an
 * entry and removing it again restores the previous hash exactly, in any order.
 */
public record MerkleHash(long high, long low) {
    /** The hash of an empty leaf: the sum of no entries. */
    public static final MerkleHash ZERO = new MerkleHash(0, 0);

    /** The number of bytes of the wire form. */
    public static final int BYTES = 16;

    public MerkleHash plus(MerkleHash other) {
        return new MerkleHash(high + other.high, low + other.low);
    }

    public MerkleHash minus(MerkleHash other) {
        return new MerkleHash(high - other.high, low - other.low);
    }

    public void writeTo(ByteWriter out) {
        out.writeLong(high).writeLong(low);
    }

    /** Reads the 16 bytes {@link #writeTo} wrote; every bit pattern is a valid hash. */
    public static MerkleHash readFrom(ByteReader in) {
        long high = in.readLong();
        return new MerkleHash(high, in.readLong());
    }

    @Override
    public String toString() {
        return HexFormat.of().toHexDigits(high) + HexFormat.of().toHexDigits(low);
    }
}
