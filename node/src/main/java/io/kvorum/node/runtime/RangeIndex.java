package io.kvorum.node.runtime;

import io.kvorum.common.TokenRange;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** Finds which of a list of disjoint ranges holds a token: the first range end clockwise from it. */
final class RangeIndex {
    private final TreeMap<Long, Integer> byEnd = new TreeMap<>();
    private final List<TokenRange> ranges;

    RangeIndex(List<TokenRange> ranges) {
        this.ranges = ranges;
        for (int i = 0; i < ranges.size(); i++) {
            byEnd.put(ranges.get(i).endInclusive(), i);
        }
    }

    /** The index of the range holding {@code token}, or -1. */
    int find(long token) {
        Map.Entry<Long, Integer> first = byEnd.ceilingEntry(token);
        if (first == null) {
            first = byEnd.firstEntry();
        }
        return first != null && ranges.get(first.getValue()).contains(token) ? first.getValue() : -1;
    }
}
