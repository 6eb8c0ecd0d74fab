package io.kvorum.bench.run;

import io.kvorum.bench.check.ConsistencyChecker;
import io.kvorum.bench.client.BenchClient;
import io.kvorum.bench.generator.AcknowledgedCounter;
import io.kvorum.bench.stats.OperationStats;
import io.kvorum.bench.workload.RecordFactory;
import io.kvorum.bench.workload.WorkloadSpec;
import io.vertx.core.Vertx;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * What all workers of a phase share; every part is thread-safe.
 *
 * @param vertx             for timers
 * @param client            the HTTP client
 * @param spec              the workload
 * @param settings          how the phase is driven
 * @param clock             monotonic nanoseconds
 * @param stats             where the outcomes of counted operations go
 * @param warmupStats       where the warm-up's outcomes go, to be dropped ({@code stats} when there is none)
 * @param measuredFromNanos operations intended to start before this are the warm-up
 * @param checker           the correctness checker, or null when off
 * @param contexts          newest context seen per key (used when {@link ContextMode#CACHE})
 * @param inserts           the run phase's insert sequence (YCSB's transactioninsertkeysequence)
 * @param loadSequence      the load phase's next ordinal
 * @param records           builds record values
 * @param budget            when the phase ends
 */
public record PhaseContext(Vertx vertx, BenchClient client, WorkloadSpec spec, RunSettings settings,
                           LongSupplier clock, OperationStats stats, OperationStats warmupStats,
                           long measuredFromNanos, ConsistencyChecker checker, Map<String, String> contexts,
                           AcknowledgedCounter inserts, AtomicLong loadSequence, RecordFactory records,
                           Budget budget) {

    /**
     * Where an operation intended to start at {@code intendedNanos} is recorded. Deciding by the
     * intended start puts each operation wholly on one side: one that began in the warm-up and ends
     * after it is still the warm-up's, and a paced run's backlog from the warm-up stays there.
     */
    OperationStats statsFor(long intendedNanos) {
        return intendedNanos - measuredFromNanos < 0 ? warmupStats : stats;
    }
}
