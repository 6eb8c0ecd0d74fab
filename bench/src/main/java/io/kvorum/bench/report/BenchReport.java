package io.kvorum.bench.report;

import io.kvorum.bench.run.Phase;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Everything one invocation measured: the settings it ran with and every phase against every target.
 *
 * @param title     a one-line description ("workload a against 127.0.0.1:8081,...")
 * @param startedAt wall-clock start, ISO-8601
 * @param seed      the seed every generator was split from
 * @param settings  the workload and run settings, in display order
 * @param runs      every phase against every target, in the order they ran
 */
public record BenchReport(String title, String startedAt, long seed, Map<String, String> settings,
                          List<RunResult> runs) {

    /** Copies, keeping the settings' order. */
    public BenchReport {
        settings = Collections.unmodifiableMap(new LinkedHashMap<>(settings));
        runs = List.copyOf(runs);
    }

    /** The baseline's result for {@code phase}, if the baseline ran. */
    public Optional<RunResult> baseline(Phase phase) {
        return runs.stream().filter(run -> run.target().equals("baseline") && run.phase() == phase).findFirst();
    }

    /** {@code run}'s throughput as a fraction of the baseline's in the same phase, if there is one. */
    public Optional<Double> ratioToCeiling(RunResult run) {
        if (run.target().equals("baseline")) {
            return Optional.empty();
        }
        return baseline(run.phase()).filter(base -> base.throughput() > 0)
                .map(base -> run.throughput() / base.throughput());
    }
}
