package io.kvorum.client;

/**
 * MurmurHash3 x64_128's first 64 bits with seed 0: the token of a key's UTF-8 bytes, exactly as the
 * node's {@code Murmur3Partitioner} computes it (tail bytes read unsigned, as in the reference). A
 * copy rather than a dependency, so that the client needs no server module; {@code Murmur3Test}
 * cross-checks it against the ring module on random keys.
 */
final class Murmur3 {
    private static final long C1 = 0x87c37b91114253d5L;
    private static final long C2 = 0x4cf5ad432745937fL;

    private Murmur3() {}

    /** The token of {@code data}: {@code h1} of the 128-bit hash with seed 0. */
    static long token(byte[] data) {
        int length = data.length;
        long h1 = 0;
        long h2 = 0;
        int blocks = length / 16;
        for (int block = 0; block < blocks; block++) {
            int offset = block * 16;
            h1 ^= mixK1(littleEndian(data, offset, 8));
            h1 = Long.rotateLeft(h1, 27);
            h1 += h2;
            h1 = h1 * 5 + 0x52dce729;
            h2 ^= mixK2(littleEndian(data, offset + 8, 8));
            h2 = Long.rotateLeft(h2, 31);
            h2 += h1;
            h2 = h2 * 5 + 0x38495ab5;
        }
        int tail = blocks * 16;
        int remaining = length - tail;
        if (remaining > 8) {
            h2 ^= mixK2(littleEndian(data, tail + 8, remaining - 8));
        }
        if (remaining > 0) {
            h1 ^= mixK1(littleEndian(data, tail, Math.min(remaining, 8)));
        }
        h1 ^= length;
        h2 ^= length;
        h1 += h2;
        h2 += h1;
        h1 = fmix64(h1);
        h2 = fmix64(h2);
        return h1 + h2;
    }

    private static long littleEndian(byte[] data, int offset, int count) {
        long value = 0;
        for (int i = count - 1; i >= 0; i--) {
            value = (value << 8) | (data[offset + i] & 0xffL);
        }
        return value;
    }

    private static long mixK1(long k1) {
        return Long.rotateLeft(k1 * C1, 31) * C2;
    }

    private static long mixK2(long k2) {
        return Long.rotateLeft(k2 * C2, 33) * C1;
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
