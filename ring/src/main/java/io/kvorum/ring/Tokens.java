package io.kvorum.ring;

/** Arithmetic on the 2^64-token ring, where a distance is an unsigned 64-bit count of tokens. */
final class Tokens {
    /** 2^64, the number of tokens on the ring. */
    static final double RING_SIZE = 0x1p64;

    private Tokens() {}

    /** The unsigned value of {@code value} as a double. */
    static double unsignedToDouble(long value) {
        return (double) (value >>> 1) * 2.0 + (value & 1L);
    }

    /** {@code distance} (an unsigned token count, 0 meaning none) as a fraction of the ring. */
    static double unsignedFraction(long distance) {
        return unsignedToDouble(distance) / RING_SIZE;
    }

    /** The token count for a fraction of the ring in [0, 1), rounded down, as an unsigned long. */
    static long fractionToUnsigned(double fraction) {
        double count = Math.floor(Math.max(0.0, fraction) * RING_SIZE);
        if (count >= RING_SIZE) {
            return -1L; // 2^64 - 1, the largest distance
        }
        if (count < 0x1p63) {
            return (long) count;
        }
        return (long) (count - 0x1p63) | Long.MIN_VALUE;
    }

    /** {@code distance}, or 1 when it is 0: a token must move at least one step to be new. */
    static long atLeastOne(long distance) {
        return distance == 0 ? 1L : distance;
    }
}
