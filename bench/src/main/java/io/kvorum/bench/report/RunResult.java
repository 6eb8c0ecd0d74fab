package io.kvorum.bench.report;

import io.kvorum.bench.check.CheckReport;
import io.kvorum.bench.run.Phase;
import io.kvorum.bench.stats.IntervalPoint;
import io.kvorum.bench.stats.OperationSummary;
import java.util.List;

/**
 * One phase against one target.
 *
 * @param target         "kvorum" or "baseline"
 * @param phase          load or run
 * @param warmupSeconds  how long the phase ran before it started counting (0: no warm-up)
 * @param elapsedSeconds from the end of the warm-up (or the first operation's start) to the last
 *                       counted operation's end
 * @param successes      operations that succeeded
 * @param errors         operations that failed
 * @param operations     per operation type
 * @param timeline       per-second intervals
 * @param check          the correctness check (on the last phase, when enabled), or null
 */
public record RunResult(String target, Phase phase, double warmupSeconds, double elapsedSeconds, long successes,
                        long errors, List<OperationSummary> operations, List<IntervalPoint> timeline,
                        CheckReport check) {

    /** Copies. */
    public RunResult {
        operations = List.copyOf(operations);
        timeline = List.copyOf(timeline);
    }

    /** Successful operations per second. */
    public double throughput() {
        return elapsedSeconds <= 0 ? 0 : successes / elapsedSeconds;
    }

    /** This result with {@code report} attached. */
    public RunResult withCheck(CheckReport report) {
        return new RunResult(target, phase, warmupSeconds, elapsedSeconds, successes, errors, operations, timeline,
                report);
    }
}
