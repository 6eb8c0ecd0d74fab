package io.kvorum.bench.stats;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kvorum.bench.workload.Operation;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** What enters the latency histograms and what is only counted. */
class OperationStatsTest {

    private static final long MILLI_NANOS = 1_000_000;

    @Test
    void failedOperationsAreCountedByKindAndStayOutOfTheLatencyHistograms() {
        OperationStats stats = new OperationStats();
        for (int i = 0; i < 100; i++) {
            stats.record(Operation.READ, Outcome.OK, 2 * MILLI_NANOS);
        }
        // Slow failures (a 10 s timeout) would drag p99 and max up, fast ones (an instant 503 or
        // refused connection) would drag p50 down, if they were recorded as latencies.
        for (int i = 0; i < 50; i++) {
            stats.record(Operation.READ, Outcome.TIMEOUT, 10_000 * MILLI_NANOS);
            stats.record(Operation.READ, Outcome.UNAVAILABLE, 1_000);
        }
        stats.record(Operation.READ, Outcome.CONNECTION, 1_000);
        stats.record(Operation.READ, Outcome.NOT_FOUND, 5_000 * MILLI_NANOS);
        IntervalPoint point = stats.sample(1.0);

        OperationSummary read = stats.summaries().get(0);
        assertEquals(100, read.latency().count(), "successes only");
        assertEquals(2_000, read.latency().p50Micros(), 2);
        assertEquals(2_000, read.latency().maxMicros(), 2);
        assertEquals(Map.of(Outcome.TIMEOUT, 50L, Outcome.UNAVAILABLE, 50L, Outcome.CONNECTION, 1L,
                Outcome.NOT_FOUND, 1L), read.errors());
        assertTrue(read.distribution().stream().allMatch(p -> p.micros() <= 2_002), read.distribution().toString());
        assertEquals(100, stats.sampledSuccesses());
        assertEquals(102, stats.errorTotal());

        assertEquals(100, point.opsPerSecond(), 1e-9);
        assertEquals(102, point.errors());
        assertEquals(2_000, point.p99Micros(), 2);
    }

    @Test
    void aPhaseWithOnlyFailuresHasAnEmptyHistogram() {
        OperationStats stats = new OperationStats();
        stats.record(Operation.UPDATE, Outcome.UNAVAILABLE, 700 * MILLI_NANOS);
        stats.sample(1.0);
        OperationSummary update = stats.summaries().get(0);
        assertEquals(Operation.UPDATE, update.operation());
        assertEquals(0, update.latency().count());
        assertEquals(0, update.latency().maxMicros());
        assertTrue(update.distribution().isEmpty());
        assertEquals(1, update.errorCount());
        assertEquals(0, stats.timeline().get(0).p99Micros());
    }
}
