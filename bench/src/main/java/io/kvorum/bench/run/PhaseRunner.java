package io.kvorum.bench.run;

import io.kvorum.bench.generator.ZipfianGenerator;
import io.kvorum.bench.report.RunResult;
import io.kvorum.bench.stats.IntervalPoint;
import io.kvorum.bench.stats.OperationStats;
import io.kvorum.bench.workload.KeyChooser;
import io.kvorum.bench.workload.Operation;
import io.kvorum.bench.workload.RequestDistribution;
import io.vertx.core.Future;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Runs one phase: starts {@code threads} workers with generators split from the seed, samples the
 * statistics every second (a progress line every few), waits until the budget is spent, and returns
 * the result. Blocking; call it from a plain thread, never from an event loop.
 *
 * <p>A run phase with a warm-up is one unbroken run whose first seconds are recorded apart and then
 * dropped. The workers, their generators, write tags and pacing schedules carry straight on, so the
 * counted part starts warm, with no pause to drain and restart. The clock of the results (elapsed
 * time, the timeline, the operation budget of a run without {@code --duration}) starts at the end of
 * the warm-up.
 */
public final class PhaseRunner {

    private static final long ONE_SECOND_NANOS = 1_000_000_000L;

    private final TargetState state;
    private final Consumer<String> progress;

    /** A runner over {@code state}, printing progress lines to {@code progress}. */
    public PhaseRunner(TargetState state, Consumer<String> progress) {
        this.state = state;
        this.progress = progress;
    }

    /** Runs {@code phase} to the end. */
    public RunResult run(Phase phase) {
        RunSettings settings = state.settings();
        OperationStats stats = new OperationStats();
        List<Future<Void>> finished = new ArrayList<>();
        SplittableRandom seeds = new SplittableRandom(settings.seed() * 31 + phase.ordinal());
        // Set-up (the Zipfian constant loops over every record) happens before the clock starts,
        // so it neither delays paced operations nor dilutes throughput.
        double latestZetan = phase == Phase.LOAD ? 0 : latestZetan();
        List<SplittableRandom> randoms = new ArrayList<>();
        List<KeyChooser> choosers = new ArrayList<>();
        for (int i = 0; i < settings.threads(); i++) {
            randoms.add(seeds.split());
            choosers.add(KeyChooser.create(state.spec(), state.inserts(), latestZetan, randoms.get(i)));
        }
        double warmupSeconds = phase == Phase.RUN ? settings.warmupSeconds() : 0;
        long warmupNanos = (long) (warmupSeconds * 1e9);
        OperationStats warmup = warmupNanos > 0 ? new OperationStats() : stats;
        long start = state.clock().getAsLong();
        long measuredFrom = start + warmupNanos;
        PhaseContext context = state.phaseContext(stats, warmup, measuredFrom, budget(phase, measuredFrom));
        for (int i = 0; i < settings.threads(); i++) {
            Pacer pacer = Pacer.of(start, i, settings.threads(), settings.targetOpsPerSecond());
            finished.add(new Worker(i, phase, context, randoms.get(i), choosers.get(i), pacer).start(state.eventLoop(i)));
        }
        ScheduledExecutorService sampler = sampler(phase, context, start);
        Future.join(finished).toCompletionStage().toCompletableFuture().join();
        sampler.shutdownNow();
        awaitTermination(sampler);
        // Never below zero: a run of no counted operations may end before its warm-up does.
        double elapsed = Math.max(0, state.clock().getAsLong() - measuredFrom) / 1e9;
        stats.sample(elapsed);
        return new RunResult(state.label(), phase, warmupSeconds, elapsed, stats.sampledSuccesses(),
                stats.errorTotal(), stats.summaries(), stats.timeline(), null);
    }

    private Budget budget(Phase phase, long countFromNanos) {
        RunSettings settings = state.settings();
        if (phase == Phase.LOAD) {
            return new Budget(state.spec().insertCount(), countFromNanos, Long.MAX_VALUE);
        }
        if (settings.durationSeconds() > 0) {
            long deadline = countFromNanos + (long) (settings.durationSeconds() * 1e9);
            return new Budget(Long.MAX_VALUE, countFromNanos, deadline);
        }
        return new Budget(state.spec().operationCount(), countFromNanos, Long.MAX_VALUE);
    }

    /**
     * Samples every second: the warm-up's statistics while it lasts (progress lines only), then the
     * counted ones, on their own schedule from the end of the warm-up so that their first interval is
     * a whole second.
     */
    private ScheduledExecutorService sampler(Phase phase, PhaseContext context, long startNanos) {
        ScheduledExecutorService sampler = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "bench-sampler");
            thread.setDaemon(true);
            return thread;
        });
        long warmupNanos = context.measuredFromNanos() - startNanos;
        if (warmupNanos > 0) {
            sampler.scheduleAtFixedRate(() -> sampleWarmup(phase, context, startNanos), 1, 1, TimeUnit.SECONDS);
        }
        sampler.scheduleAtFixedRate(() -> sample(phase, context.stats(), context.measuredFromNanos()),
                warmupNanos + ONE_SECOND_NANOS, ONE_SECOND_NANOS, TimeUnit.NANOSECONDS);
        return sampler;
    }

    private double latestZetan() {
        if (state.spec().requestDistribution() != RequestDistribution.LATEST) {
            return 0;
        }
        return ZipfianGenerator.zeta(Math.max(1, state.inserts().lastValue()), ZipfianGenerator.ZIPFIAN_CONSTANT);
    }

    private void sample(Phase phase, OperationStats stats, long startNanos) {
        double elapsed = (state.clock().getAsLong() - startNanos) / 1e9;
        IntervalPoint point = stats.sample(elapsed);
        int every = state.settings().progressSeconds();
        if (every > 0 && stats.timeline().size() % every == 0) {
            progress.accept(progressLine(phase.name().toLowerCase(Locale.ROOT), stats, elapsed, point));
        }
    }

    private void sampleWarmup(Phase phase, PhaseContext context, long startNanos) {
        long now = state.clock().getAsLong();
        if (now - context.measuredFromNanos() >= 0) {
            return; // over; the counted samples have taken over
        }
        double elapsed = (now - startNanos) / 1e9;
        IntervalPoint point = context.warmupStats().sample(elapsed);
        int every = state.settings().progressSeconds();
        if (every > 0 && context.warmupStats().timeline().size() % every == 0) {
            String stage = phase.name().toLowerCase(Locale.ROOT) + " warm-up of " + state.settings().warmupSeconds()
                    + " s, not counted";
            progress.accept(progressLine(stage, context.warmupStats(), elapsed, point));
        }
    }

    private String progressLine(String stage, OperationStats stats, double elapsed, IntervalPoint point) {
        long done = stats.sampledSuccesses();
        StringBuilder line = new StringBuilder(String.format("[%s %s] %5.0f s %,11d ops %,9.0f ops/s (now %,.0f)",
                state.label(), stage, elapsed, done, done / elapsed, point.opsPerSecond()));
        for (Operation operation : Operation.values()) {
            var latency = stats.latency(operation);
            if (latency.count() > 0) {
                line.append(String.format("  %s p99 %.2f ms", operation, latency.p99Micros() / 1000.0));
            }
        }
        return line.append(String.format("  errors %,d", stats.errorTotal())).toString();
    }

    private static void awaitTermination(ScheduledExecutorService sampler) {
        try {
            sampler.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
