package io.kvorum.bench.run;

import io.kvorum.bench.check.ConsistencyChecker;
import io.kvorum.bench.client.BenchClient;
import io.kvorum.bench.generator.AcknowledgedCounter;
import io.kvorum.bench.stats.OperationStats;
import io.kvorum.bench.workload.RecordFactory;
import io.kvorum.bench.workload.WorkloadSpec;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * Everything one target (Kvorum or the baseline) keeps across the phases of a run: the client, the
 * context cache, the insert sequence and the correctness checker.
 */
public final class TargetState {

    private final String label;
    private final Vertx vertx;
    private final BenchClient client;
    private final WorkloadSpec spec;
    private final RunSettings settings;
    private final LongSupplier clock;
    private final Map<String, String> contexts = new ConcurrentHashMap<>();
    private final AcknowledgedCounter inserts;
    private final AtomicLong loadSequence;
    private final RecordFactory records;
    private final ConsistencyChecker checker;
    private final List<Context> eventLoops;

    /** The state of target {@code label} reached through {@code client}; {@code clock} is monotonic nanoseconds. */
    public TargetState(String label, Vertx vertx, BenchClient client, WorkloadSpec spec, RunSettings settings,
                       LongSupplier clock) {
        this.label = label;
        this.vertx = vertx;
        this.client = client;
        this.spec = spec;
        this.settings = settings;
        this.clock = clock;
        this.inserts = new AcknowledgedCounter(spec.recordCount());
        this.loadSequence = new AtomicLong(spec.insertStart());
        this.records = new RecordFactory(spec);
        this.checker = settings.check() ? new ConsistencyChecker() : null;
        this.eventLoops = EventLoops.contexts(vertx, settings.eventLoops());
    }

    /** The event-loop context of worker {@code index}: round-robin over the event loops. */
    Context eventLoop(int index) {
        return eventLoops.get(index % eventLoops.size());
    }

    PhaseContext phaseContext(OperationStats stats, OperationStats warmupStats, long measuredFromNanos,
                              Budget budget) {
        return new PhaseContext(vertx, client, spec, settings, clock, stats, warmupStats, measuredFromNanos, checker,
                contexts, inserts, loadSequence, records, budget);
    }

    /** "kvorum" or "baseline". */
    public String label() {
        return label;
    }

    /** The workload. */
    public WorkloadSpec spec() {
        return spec;
    }

    /** How phases are driven. */
    public RunSettings settings() {
        return settings;
    }

    /** Monotonic nanoseconds. */
    public LongSupplier clock() {
        return clock;
    }

    /** The HTTP client. */
    public BenchClient client() {
        return client;
    }

    /** The run phase's insert sequence. */
    public AcknowledgedCounter inserts() {
        return inserts;
    }

    /** The correctness checker, or null when the check is off. */
    public ConsistencyChecker checker() {
        return checker;
    }
}
