package io.kvorum.common;

/**
 * A range of the signed 64-bit token ring, {@code (startExclusive, endInclusive]}, walking clockwise
 * (towards larger tokens, wrapping from {@link Long#MAX_VALUE} to {@link Long#MIN_VALUE}).
 *
 * <p>When {@code startExclusive == endInclusive} the range is the whole ring, as in Cassandra.
 */
public record TokenRange(long startExclusive, long endInclusive) {
    public static final TokenRange FULL_RING = new TokenRange(Long.MIN_VALUE, Long.MIN_VALUE);

    /** True when no two of {@code ranges} overlap (adjacent ranges do not); one range, even the whole ring, is disjoint. */
    public static boolean disjoint(java.util.List<TokenRange> ranges) {
        if (ranges.size() <= 1) {
            return true;
        }
        java.util.List<TokenRange> sorted = new java.util.ArrayList<>(ranges);
        sorted.sort(java.util.Comparator.comparingLong(TokenRange::endInclusive).thenComparingLong(TokenRange::startExclusive));
        for (int i = 0; i < sorted.size(); i++) {
            TokenRange range = sorted.get(i);
            TokenRange next = sorted.get((i + 1) % sorted.size());
            if (range.isFullRing() || range.contains(next.endInclusive()) || next.contains(range.endInclusive())) {
                return false;
            }
        }
        return true;
    }

    public boolean contains(long token) {
        if (startExclusive < endInclusive) {
            return token > startExclusive && token <= endInclusive;
        }
        // Wraps around (or is the full ring when start == end).
        return token > startExclusive || token <= endInclusive;
    }

    public boolean isFullRing() {
        return startExclusive == endInclusive;
    }

    /** The number of tokens in the range as a fraction of the whole ring, in (0, 1]. */
    public double ringFraction() {
        if (isFullRing()) {
            return 1.0;
        }
        long width = endInclusive - startExclusive; // modular arithmetic: wrapping is handled by overflow
        return Long.compareUnsigned(width, 0) == 0 ? 1.0 : unsignedToDouble(width) / 0x1p64;
    }

    private static double unsignedToDouble(long value) {
        double high = (double) (value >>> 1) * 2.0;
        return high + (value & 1L);
    }
}
