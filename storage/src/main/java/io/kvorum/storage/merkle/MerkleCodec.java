package io.kvorum.storage.merkle;

import io.kvorum.common.ByteReader;
import io.kvorum.common.ByteReader.MalformedException;
import io.kvorum.common.ByteWriter;
import io.kvorum.common.TokenRange;

/**
 * The wire form of a {@link MerkleTree}: what one replica sends another in an anti-entropy exchange.
 *
 * <p>Layout: a format byte ({@value #FORMAT}), the range's start and end (8 bytes each), the depth (one
 * byte), then every leaf hash (16 bytes each, clockwise). Inner nodes are not sent: the receiver
 * recomputes them from the leaves, so it trusts nothing but the leaf values, and any 16 bytes are a
 * valid leaf. At the default depth that is 16,402 bytes. Decoding validates the format, the depth
 * (at most {@link MerkleTree#MAX_DEPTH} and valid for the range) and the length before it allocates,
 * and throws only {@link MalformedException}.
 *
 * <p>The exchange this supports (two rounds): send {@code (range, depth, root)} with
 * {@link MerkleHash#writeTo}; if the peer's root differs, it answers with its whole tree, and the
 * initiator streams the keys under {@link MerkleTree#difference} in both directions.
 */
public final class MerkleCodec {
    /** The format byte; a new layout gets a new value. */
    public static final int FORMAT = 1;

    private MerkleCodec() {}

    public static void writeTree(ByteWriter out, MerkleTree tree) {
        out.writeByte(FORMAT);
        out.writeLong(tree.range().startExclusive());
        out.writeLong(tree.range().endInclusive());
        out.writeByte(tree.depth());
        for (int i = 0; i < tree.leafCount(); i++) {
            tree.leaf(i).writeTo(out);
        }
    }

    public static MerkleTree readTree(ByteReader in) {
        int format = in.readByte();
        if (format != FORMAT) {
            throw new MalformedException("merkle tree format " + format + ", expected " + FORMAT);
        }
        TokenRange range = new TokenRange(in.readLong(), in.readLong());
        int depth = in.readByte();
        if (depth > MerkleTree.MAX_DEPTH || depth > LeafLayout.maxDepthFor(range)) {
            throw new MalformedException("merkle depth " + depth + " is invalid for " + range);
        }
        LeafLayout layout = new LeafLayout(range, depth);
        int leafCount = layout.leafCount();
        if (in.remaining() < (long) leafCount * MerkleHash.BYTES) {
            throw new MalformedException("truncated: " + leafCount + " leaves need " + leafCount * MerkleHash.BYTES
                    + " bytes, have " + in.remaining());
        }
        long[] leafLanes = new long[2 * leafCount];
        for (int i = 0; i < leafLanes.length; i++) {
            leafLanes[i] = in.readLong();
        }
        return MerkleTree.fromLeaves(layout, leafLanes, new EntryHasher());
    }

    public static byte[] encode(MerkleTree tree) {
        ByteWriter out = new ByteWriter(18 + tree.leafCount() * MerkleHash.BYTES);
        writeTree(out, tree);
        return out.toByteArray();
    }

    /** The tree {@code bytes} hold, which must be exactly one encoded tree. */
    public static MerkleTree decode(byte[] bytes) {
        ByteReader in = new ByteReader(bytes);
        MerkleTree tree = readTree(in);
        in.expectEnd();
        return tree;
    }
}
