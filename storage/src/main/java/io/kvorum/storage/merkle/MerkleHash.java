package io.kvorum.storage.merkle;

import io.kvorum.common.ByteReader;
import io.kvorum.common.ByteWriter;
import java.util.HexFormat;

/**
 * A 128-bit hash in a Merkle tree: a leaf's sum of entry hashes, or an inner node's digest of its children.
 *
 * <p>A leaf's hash is the sum of its entries' hashes in two independent lanes, each modulo
 * 2<sup>64</sup>, so it does not depend on the order the entries were added in.
 */
public record MerkleHash(long high, long low) {
    /** The hash of an empty leaf: the sum of no entries. */
    public static final MerkleHash ZERO = new MerkleHash(0, 0);

    /** The number of bytes of the wire form. */
    public static final int BYTES = 16;

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
