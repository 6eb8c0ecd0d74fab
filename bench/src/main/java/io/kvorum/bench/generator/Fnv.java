package io.kvorum.bench.generator;

/** YCSB's 64-bit FNV-1 hash of a long ({@code site.ycsb.Utils.fnvhash64}), bit for bit. */
public final class Fnv {

    private static final long OFFSET_BASIS_64 = 0xCBF29CE484222325L;
    private static final long PRIME_64 = 1099511628211L;

    private Fnv() {
    }

    /** Hashes the eight bytes of {@code value}, low byte first; never negative. */
    public static long hash64(long value) {
        long remaining = value;
        long hash = OFFSET_BASIS_64;
        for (int i = 0; i < 8; i++) {
            long octet = remaining & 0x00ff;
            remaining = remaining >> 8;
            hash = hash ^ octet;
            hash = hash * PRIME_64;
        }
        // YCSB returns Math.abs, so Long.MIN_VALUE stays negative there too; it never occurs in practice.
        return Math.abs(hash);
    }
}
