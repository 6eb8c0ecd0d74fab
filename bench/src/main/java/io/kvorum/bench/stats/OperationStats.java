package io.kvorum.bench.stats;

import io.kvorum.bench.workload.Operation;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * Records every operation of a phase: the latency of a success into a wait-free HdrHistogram
 * {@link Recorder} per type, a failure only into a counter by kind. A failure's time says how long the
 * client waited for the error (an instant 503, a 10 s timeout), not how fast the store serves, so
 * mixing it in would pull the percentiles of successes down or up; failures are reported next to
 * them instead. {@link #sample(double)} is called by one sampling thread only; it moves each interval
 * into the cumulative histograms and the timeline. Recording is thread-safe.
 */
public final class OperationStats {

    /** Longest latency a histogram holds: one hour, in microseconds. */
    private static final long HIGHEST_MICROS = TimeUnit.HOURS.toMicros(1);
    private static final int SIGNIFICANT_DIGITS = 3;

    private final Map<Operation, Recorder> recorders = new EnumMap<>(Operation.class);
    private final Map<Operation, Map<Outcome, LongAdder>> errors = new EnumMap<>(Operation.class);
    private final Map<Operation, Histogram> cumulative = new EnumMap<>(Operation.class);
    private final Map<Operation, Histogram> recycled = new EnumMap<>(Operation.class);
    private final List<IntervalPoint> timeline = new ArrayList<>();
    private long errorsSampled;
    private double lastSampleSeconds;

    /** Empty statistics for every operation type. */
    public OperationStats() {
        for (Operation operation : Operation.values()) {
            recorders.put(operation, new Recorder(HIGHEST_MICROS, SIGNIFICANT_DIGITS));
            cumulative.put(operation, new Histogram(HIGHEST_MICROS, SIGNIFICANT_DIGITS));
            Map<Outcome, LongAdder> byKind = new EnumMap<>(Outcome.class);
            for (Outcome outcome : Outcome.values()) {
                byKind.put(outcome, new LongAdder());
            }
            errors.put(operation, byKind);
        }
    }

    /**
     * Records one finished operation; {@code latencyNanos} runs from its intended start and is kept
     * only when {@code outcome} is {@link Outcome#OK}.
     */
    public void record(Operation operation, Outcome outcome, long latencyNanos) {
        if (outcome == Outcome.OK) {
            long micros = Math.max(1, Math.min(HIGHEST_MICROS, latencyNanos / 1000));
            recorders.get(operation).recordValue(micros);
        } else {
            errors.get(operation).get(outcome).increment();
        }
    }

    /** Closes the interval ending {@code elapsedSeconds} into the phase; one sampling thread only. */
    public synchronized IntervalPoint sample(double elapsedSeconds) {
        Histogram interval = new Histogram(HIGHEST_MICROS, SIGNIFICANT_DIGITS);
        for (Operation operation : Operation.values()) {
            Histogram part = recorders.get(operation).getIntervalHistogram(recycled.get(operation));
            recycled.put(operation, part);
            cumulative.get(operation).add(part);
            interval.add(part);
        }
        long errorTotal = errorTotal();
        double seconds = Math.max(1e-9, elapsedSeconds - lastSampleSeconds);
        IntervalPoint point = new IntervalPoint(elapsedSeconds, interval.getTotalCount() / seconds,
                errorTotal - errorsSampled, interval.getValueAtPercentile(50), interval.getValueAtPercentile(99));
        errorsSampled = errorTotal;
        lastSampleSeconds = elapsedSeconds;
        timeline.add(point);
        return point;
    }

    /** Successful operations sampled so far. */
    public synchronized long sampledSuccesses() {
        return cumulative.values().stream().mapToLong(Histogram::getTotalCount).sum();
    }

    /** Failed operations so far. */
    public long errorTotal() {
        long total = 0;
        for (Map<Outcome, LongAdder> byKind : errors.values()) {
            for (LongAdder adder : byKind.values()) {
                total += adder.sum();
            }
        }
        return total;
    }

    /** The summaries of every operation type that ran, from what has been sampled. */
    public synchronized List<OperationSummary> summaries() {
        List<OperationSummary> summaries = new ArrayList<>();
        for (Operation operation : Operation.values()) {
            Histogram histogram = cumulative.get(operation);
            Map<Outcome, Long> failed = new EnumMap<>(Outcome.class);
            errors.get(operation).forEach((kind, adder) -> {
                if (adder.sum() > 0) {
                    failed.put(kind, adder.sum());
                }
            });
            if (histogram.getTotalCount() > 0 || !failed.isEmpty()) {
                summaries.add(new OperationSummary(operation, LatencySummary.of(histogram), failed,
                        PercentilePoint.distribution(histogram)));
            }
        }
        return summaries;
    }

    /** The latency summary of one type so far (for progress lines). */
    public synchronized LatencySummary latency(Operation operation) {
        return LatencySummary.of(cumulative.get(operation));
    }

    /** The intervals sampled so far. */
    public synchronized List<IntervalPoint> timeline() {
        return List.copyOf(timeline);
    }
}
