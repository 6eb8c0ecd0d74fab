package io.kvorum.ring;

import io.kvorum.common.Key;

/**
 * The production {@link Partitioner}: a key's token is the first 64 bits of MurmurHash3 x64_128
 * (seed 0) of its UTF-8 bytes, read as a signed {@code long}.
 *
 * <p>Why Murmur3: it is fast (a few ns for a short key, about four times faster than MD5) and spreads
 * similar keys uniformly over the ring, which is all a partitioner needs. Nothing here has to resist
 * an adversary, since tokens are not a security boundary, so a cryptographic hash would cost time for
 * no benefit. It is also the hash behind Cassandra's {@code Murmur3Partitioner}, so operators can
 * compute a key's token with any Murmur3 library and reason about placement. For ASCII keys the token
 * equals Cassandra's; see {@link Murmur3} for the non-ASCII difference. Unlike Cassandra, Kvorum does
 * not reserve {@link Long#MIN_VALUE}: it is an ordinary token.
 */
public final class Murmur3Partitioner implements Partitioner {
    /**
     * The name {@code GET /cluster/ring?tokens=true} gives this partitioner: clients that see it hash
     * a key exactly like {@link #token}.
     */
    public static final String NAME = "murmur3";

    /** Stateless, so one instance serves everyone. */
    public static final Murmur3Partitioner INSTANCE = new Murmur3Partitioner();

    private Murmur3Partitioner() {}

    @Override
    public long token(Key key) {
        return Murmur3.hash64(key.utf8(), 0);
    }

    @Override
    public String toString() {
        return "Murmur3Partitioner";
    }
}
