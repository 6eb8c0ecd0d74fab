package io.kvorum.bench.stats;

import org.HdrHistogram.Histogram;

/**
 * Latency percentiles of one operation type, in microseconds.
 *
 * @param count      operations recorded
 * @param meanMicros mean latency
 * @param p50Micros  median
 * @param p95Micros  95th percentile
 * @param p99Micros  99th percentile
 * @param p999Micros 99.9th percentile
 * @param maxMicros  largest
 */
public record LatencySummary(long count, double meanMicros, long p50Micros, long p95Micros, long p99Micros,
                             long p999Micros, long maxMicros) {

    /** The summary of a histogram recorded in microseconds. */
    public static LatencySummary of(Histogram histogram) {
        if (histogram.getTotalCount() == 0) {
            return new LatencySummary(0, 0, 0, 0, 0, 0, 0);
        }
        return new LatencySummary(histogram.getTotalCount(), histogram.getMean(),
                histogram.getValueAtPercentile(50), histogram.getValueAtPercentile(95),
                histogram.getValueAtPercentile(99), histogram.getValueAtPercentile(99.9),
                histogram.getMaxValue());
    }
}
