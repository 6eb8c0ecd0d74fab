package io.kvorum.bench.stats;

/**
 * One interval of a run, for the throughput-over-time chart.
 *
 * @param elapsedSeconds end of the interval, from the start of the phase
 * @param opsPerSecond   successful operations per second in the interval
 * @param errors         failed operations in the interval
 * @param p50Micros      median latency of the interval's successful operations (all types)
 * @param p99Micros      99th percentile latency of the interval's successful operations (all types)
 */
public record IntervalPoint(double elapsedSeconds, double opsPerSecond, long errors, long p50Micros,
                            long p99Micros) {
}
