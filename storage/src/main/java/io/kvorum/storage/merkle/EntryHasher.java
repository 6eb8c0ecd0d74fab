package io.kvorum.storage.merkle;

import io.kvorum.common.ByteWriter;
import io.kvorum.common.Key;
import io.kvorum.storage.version.Siblings;
import io.kvorum.storage.version.VersionCodec;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * The two hash functions of a Merkle tree, SHA-256 truncated to 128 bits: an entry's hash over
 * (key, the state's versions) and an inner node's hash over its two children.
 *
 * <p>Why 128 bits of SHA-256 are enough. Truncated SHA-256 behaves as a random function, so a leaf
 * (a sum of entry hashes) hides a difference between two replicas only if the signed sum of the
 * entries they do not share is exactly zero: probability 2<sup>-128</sup> per differing leaf. A
 * cluster comparing a million leaves a second for a century makes about 2<sup>52</sup> comparisons,
 * so the chance that any difference ever goes unseen is about 2<sup>-76</sup>. The sum is not a
 * defence against an adversary who both chooses many entries of one leaf and controls which of them a
 * replica loses (Wagner's generalized birthday attack on additive hashes); nobody controls which
 * writes a failure drops, and read repair does not depend on these hashes.
 *
 * <p>The encoding hashed is injective on what identifies a state: a tag byte, the key's length and
 * bytes, then the state's context and siblings' dots in {@link VersionCodec#writeVersions}'s
 * canonical form (equal states encode to equal bytes). Values are left out: a dot names one write,
 * so equal dots mean equal values, and hashing 100 bytes of versions instead of a kibibyte value
 * made tree builds several times cheaper. Not thread-safe: one per owner.
 */
public final class EntryHasher {
    private static final int ENTRY_TAG = 1;
    private static final int INNER_TAG = 2;

    private final MessageDigest sha256;

    public EntryHasher() {
        try {
            sha256 = MessageDigest.getInstance("SHA-256"); // every Java platform must provide it
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }

    /** The hash of one stored (key, state) pair. */
    public MerkleHash entry(Key key, Siblings state) {
        ByteWriter out = new ByteWriter(32 + key.utf8().length() + state.siblings().size() * 48);
        out.writeByte(ENTRY_TAG);
        out.writeBytes(key.utf8());
        VersionCodec.writeVersions(out, state);
        return truncate(sha256.digest(out.toByteArray()));
    }

    /** The hash of an inner node from its children's. */
    MerkleHash children(long leftHigh, long leftLow, long rightHigh, long rightLow) {
        ByteWriter out = new ByteWriter(1 + 4 * Long.BYTES);
        out.writeByte(INNER_TAG).writeLong(leftHigh).writeLong(leftLow).writeLong(rightHigh).writeLong(rightLow);
        return truncate(sha256.digest(out.toByteArray()));
    }

    private static MerkleHash truncate(byte[] digest) {
        long high = 0;
        long low = 0;
        for (int i = 0; i < Long.BYTES; i++) {
            high = (high << 8) | (digest[i] & 0xFF);
            low = (low << 8) | (digest[Long.BYTES + i] & 0xFF);
        }
        return new MerkleHash(high, low);
    }
}
