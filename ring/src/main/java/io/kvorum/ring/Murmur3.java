package io.kvorum.ring;

import io.kvorum.common.Bytes;

/**
 * MurmurHash3, x64 128-bit variant (Austin Appleby's reference {@code MurmurHash3_x64_128}), over an
 * immutable {@link Bytes} without copying it.
 *
 * <p>Tail bytes are read unsigned, as in the reference and in Guava's {@code murmur3_128}.
 * Cassandra's {@code MurmurHash.hash3_x64_128} sign-extends them instead (a bug it keeps for
 * compatibility), so the two agree on every input whose last {@code length % 16} bytes are all
 * below 0x80, which covers every ASCII key, and differ otherwise.
 */
final class Murmur3 {
    private static final long C1 = 0x87c37b91114253d5L;
    private static final long C2 = 0x4cf5ad432745937fL;

    private Murmur3() {}

    /** The first 64 bits ({@code h1}) of the 128-bit hash of {@code data} with {@code seed}. */
    static long hash64(Bytes data, long seed) {
        long[] out = new long[2];
        hash128(data, seed, out);
        return out[0];
    }

    /** Writes {@code h1} to {@code out[0]} and {@code h2} to {@code out[1]}. */
    static void hash128(Bytes data, long seed, long[] out) {
        int length = data.length();
        long h1 = seed;
        long h2 = seed;
        int blocks = length / 16;
        for (int block = 0; block < blocks; block++) {
            int offset = block * 16;
            h1 ^= mixK1(littleEndianLong(data, offset, 8));
            h1 = Long.rotateLeft(h1, 27);
            h1 += h2;
            h1 = h1 * 5 + 0x52dce729;
            h2 ^= mixK2(littleEndianLong(data, offset + 8, 8));
            h2 = Long.rotateLeft(h2, 31);
            h2 += h1;
            h2 = h2 * 5 + 0x38495ab5;
        }
        int tail = blocks * 16;
        int remaining = length - tail;
        if (remaining > 8) {
            h2 ^= mixK2(littleEndianLong(data, tail + 8, remaining - 8));
        }
        if (remaining > 0) {
            h1 ^= mixK1(littleEndianLong(data, tail, Math.min(remaining, 8)));
        }
        h1 ^= length;
        h2 ^= length;
        h1 += h2;
        h2 += h1;
        h1 = fmix64(h1);
        h2 = fmix64(h2);
        h1 += h2;
        h2 += h1;
        out[0] = h1;
        out[1] = h2;
    }

    /** Up to 8 bytes from {@code offset}, little-endian, each read unsigned (the reference's tail switch). */
    private static long littleEndianLong(Bytes data, int offset, int count) {
        long value = 0;
        for (int i = count - 1; i >= 0; i--) {
            value = (value << 8) | (data.at(offset + i) & 0xffL);
        }
        return value;
    }

    private static long mixK1(long k1) {
        k1 *= C1;
        k1 = Long.rotateLeft(k1, 31);
        k1 *= C2;
        return k1;
    }

    private static long mixK2(long k2) {
        k2 *= C2;
        k2 = Long.rotateLeft(k2, 33);
        k2 *= C1;
        return k2;
    }

    private static long fmix64(long k) {
        k ^= k >>> 33;
        k *= 0xff51afd7ed558ccdL;
        k ^= k >>> 33;
        k *= 0xc4ceb9fe1a85ec53L;
        k ^= k >>> 33;
        return k;
    }
}
