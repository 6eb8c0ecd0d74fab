package io.kvorum.bench.run;

import io.kvorum.bench.report.RunResult;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/** Runs the requested phases against one target, then (when enabled) the correctness read-back. */
public final class TargetRun {

    private TargetRun() {
    }

    /** The results of {@code phases}, in order; the last carries the check report when the check is on. */
    public static List<RunResult> run(TargetState state, List<Phase> phases, String checkR, Consumer<String> out) {
        List<RunResult> results = new ArrayList<>();
        PhaseRunner runner = new PhaseRunner(state, out);
        for (Phase phase : phases) {
            RunSettings settings = state.settings();
            out.accept(String.format("[%s %s] starting: %d threads%s%s", state.label(),
                    phase.name().toLowerCase(java.util.Locale.ROOT), settings.threads(),
                    settings.targetOpsPerSecond() > 0
                            ? String.format(", target %,.0f ops/s", settings.targetOpsPerSecond()) : "",
                    phase == Phase.RUN && settings.warmupSeconds() > 0
                            ? ", " + settings.warmupSeconds() + " s of warm-up first (not counted)" : ""));
            results.add(runner.run(phase));
        }
        if (state.checker() != null && !results.isEmpty()) {
            out.accept("[" + state.label() + "] correctness check: reading back every written key ...");
            RunResult last = results.remove(results.size() - 1);
            results.add(last.withCheck(ReadBack.check(state, checkR)));
        }
        return results;
    }
}
