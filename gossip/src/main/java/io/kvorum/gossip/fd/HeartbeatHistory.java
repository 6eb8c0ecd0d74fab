package io.kvorum.gossip.fd;

import io.kvorum.common.Invariants;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * An immutable sliding window of heartbeat inter-arrival intervals with running sums, as Pekko's
 * {@code HeartbeatHistory}: mean and variance in O(1), {@link #add} returns a new history.
 *
 * <p>The window is a ring buffer copied on {@link #add} (O(window) per heartbeat, 8 KB at the default
 * 1000 samples). The running sums are exact {@code long}s: intervals are capped by
 * {@link FailureDetectorSettings#MAX_INTERVAL_LIMIT_MILLIS}, so a full window of squares stays below
 * 2^63.
 */
public final class HeartbeatHistory {
    private final int maxSampleSize;
    private final long[] ring;
    private final int start;
    private final int size;
    private final long intervalSum;
    private final long squaredIntervalSum;

    private HeartbeatHistory(int maxSampleSize, long[] ring, int start, int size, long intervalSum,
                             long squaredIntervalSum) {
        this.maxSampleSize = maxSampleSize;
        this.ring = ring;
        this.start = start;
        this.size = size;
        this.intervalSum = intervalSum;
        this.squaredIntervalSum = squaredIntervalSum;
    }

    /** An empty window that keeps at most {@code maxSampleSize} intervals. */
    public static HeartbeatHistory empty(int maxSampleSize) {
        Invariants.require(maxSampleSize > 0 && maxSampleSize <= FailureDetectorSettings.MAX_SAMPLE_SIZE_LIMIT,
                "maxSampleSize must be in 1..%d, got %d", FailureDetectorSettings.MAX_SAMPLE_SIZE_LIMIT, maxSampleSize);
        return new HeartbeatHistory(maxSampleSize, new long[0], 0, 0, 0, 0);
    }

    /** A new history with {@code intervalMillis} appended, dropping the oldest interval when full. */
    public HeartbeatHistory add(long intervalMillis) {
        Invariants.require(intervalMillis >= 0 && intervalMillis <= FailureDetectorSettings.MAX_INTERVAL_LIMIT_MILLIS,
                "interval must be in 0..%d ms, got %d", FailureDetectorSettings.MAX_INTERVAL_LIMIT_MILLIS, intervalMillis);
        long square = intervalMillis * intervalMillis;
        if (size < maxSampleSize) {
            long[] grown = new long[size + 1];
            copyInOrder(grown);
            grown[size] = intervalMillis;
            return new HeartbeatHistory(maxSampleSize, grown, 0, size + 1,
                    intervalSum + intervalMillis, squaredIntervalSum + square);
        }
        long oldest = ring[start];
        long[] next = ring.clone();
        next[start] = intervalMillis;
        return new HeartbeatHistory(maxSampleSize, next, (start + 1) % size, size,
                intervalSum - oldest + intervalMillis, squaredIntervalSum - oldest * oldest + square);
    }

    public int maxSampleSize() {
        return maxSampleSize;
    }

    /** The number of intervals in the window. */
    public int size() {
        return size;
    }

    public boolean isEmpty() {
        return size == 0;
    }

    public long intervalSumMillis() {
        return intervalSum;
    }

    public long squaredIntervalSum() {
        return squaredIntervalSum;
    }

    /** The mean interval; 0 when empty. */
    public double meanMillis() {
        return size == 0 ? 0.0 : (double) intervalSum / size;
    }

    /** The population variance of the intervals; 0 when empty. */
    public double variance() {
        if (size == 0) {
            return 0.0;
        }
        double mean = meanMillis();
        // E[X^2] - E[X]^2 can dip below zero by rounding when all samples are equal.
        return Math.max(0.0, (double) squaredIntervalSum / size - mean * mean);
    }

    public double stdDeviationMillis() {
        return Math.sqrt(variance());
    }

    /** The intervals, oldest first, as an unmodifiable copy. */
    public List<Long> intervals() {
        long[] ordered = new long[size];
        copyInOrder(ordered);
        List<Long> out = new ArrayList<>(size);
        for (long interval : ordered) {
            out.add(interval);
        }
        return Collections.unmodifiableList(out);
    }

    private void copyInOrder(long[] target) {
        for (int i = 0; i < size; i++) {
            target[i] = ring[(start + i) % size];
        }
    }

    @Override
    public String toString() {
        return String.format("HeartbeatHistory[size=%d/%d, mean=%.1fms, std=%.1fms]",
                size, maxSampleSize, meanMillis(), stdDeviationMillis());
    }
}
