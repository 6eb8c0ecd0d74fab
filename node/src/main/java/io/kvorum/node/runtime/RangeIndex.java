package io.kvorum.node.runtime;

import io.kvorum.common.TokenRange;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/**
 * Finds which of a list of disjoint ranges holds a token: the first range end clockwise from it.
 * Sorted arrays rather than a map of boxed longs: a tree build asks once or twice per stored key.
 */
final class RangeIndex {
    private final List<TokenRange> ranges;
    /** The ranges' ends, ascending, and which range each belongs to. */
    private final long[] ends;
    private final int[] rangeOf;

    RangeIndex(List<TokenRange> ranges) {
        this.ranges = ranges;
        Integer[] order = new Integer[ranges.size()];
        Arrays.setAll(order, i -> i);
        Arrays.sort(order, Comparator.comparingLong(i -> ranges.get(i).endInclusive()));
        ends = new long[order.length];
        rangeOf = new int[order.length];
        for (int i = 0; i < order.length; i++) {
            ends[i] = ranges.get(order[i]).endInclusive();
            rangeOf[i] = order[i];
        }
    }

    /** The index of the range holding {@code token}, or -1. */
    int find(long token) {
        if (ends.length == 0) {
            return -1;
        }
        int at = Arrays.binarySearch(ends, token);
        if (at < 0) {
            at = -at - 1; // the first end above the token
        }
        int range = rangeOf[at == ends.length ? 0 : at]; // past the last end: the range that wraps around
        return ranges.get(range).contains(token) ? range : -1;
    }
}
