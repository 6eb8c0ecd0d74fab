package io.kvorum.bench.report;

import io.kvorum.bench.check.CheckReport;
import io.kvorum.bench.stats.LatencySummary;
import io.kvorum.bench.stats.OperationSummary;
import java.util.Locale;
import java.util.Map;

/** The final human-readable table. */
public final class TextReport {

    private TextReport() {
    }

    /** The table of {@code report}: one line per phase and target, one per operation type. */
    public static String render(BenchReport report) {
        StringBuilder out = new StringBuilder();
        out.append(report.title()).append('\n');
        report.settings().forEach((key, value) -> out.append("  ").append(key).append(": ").append(value).append('\n'));
        out.append(String.format(Locale.ROOT, "%n%-9s %-5s %-17s %10s %8s %9s %9s %9s %9s %9s %9s  %s%n",
                "target", "phase", "operation", "count", "ops/s", "p50 ms", "p95 ms", "p99 ms", "p99.9 ms",
                "max ms", "mean ms", "errors"));
        for (RunResult run : report.runs()) {
            String ratio = report.ratioToCeiling(run)
                    .map(value -> String.format(Locale.ROOT, "  (%.2f of the ceiling)", value)).orElse("");
            out.append(String.format(Locale.ROOT, "%-9s %-5s %-17s %,10d %,8.0f %s%n", run.target(),
                    run.phase().name().toLowerCase(Locale.ROOT), "ALL", run.successes(), run.throughput(),
                    String.format(Locale.ROOT, "in %.1f s%s, %,d errors%s", run.elapsedSeconds(), warmup(run),
                            run.errors(), ratio)));
            for (OperationSummary operation : run.operations()) {
                out.append(operationLine(operation)).append('\n');
            }
            if (run.check() != null) {
                out.append(checkLines(run.check()));
            }
        }
        return out.toString();
    }

    private static String operationLine(OperationSummary operation) {
        LatencySummary latency = operation.latency();
        return String.format(Locale.ROOT, "%-9s %-5s %-17s %,10d %8s %9.2f %9.2f %9.2f %9.2f %9.2f %9.2f  %s", "", "",
                operation.operation(), latency.count(), "", ms(latency.p50Micros()), ms(latency.p95Micros()),
                ms(latency.p99Micros()), ms(latency.p999Micros()), ms(latency.maxMicros()),
                latency.meanMicros() / 1000.0, errors(operation.errors()));
    }

    /** {@code " after a 60.0 s warm-up"}, or nothing for a run without one. */
    static String warmup(RunResult run) {
        return run.warmupSeconds() > 0 ? " after a " + run.warmupSeconds() + " s warm-up" : "";
    }

    /** Errors as {@code UNAVAILABLE=3 TIMEOUT=1}, or {@code 0}. */
    static String errors(Map<?, Long> errors) {
        if (errors.isEmpty()) {
            return "0";
        }
        StringBuilder text = new StringBuilder();
        errors.forEach((kind, count) -> text.append(text.isEmpty() ? "" : " ").append(kind).append('=').append(count));
        return text.toString();
    }

    private static String checkLines(CheckReport check) {
        String verdict = check.clean() ? "no stale reads, no lost writes" : "PROBLEMS FOUND";
        StringBuilder out = new StringBuilder(String.format(Locale.ROOT,
                "  correctness: %s; %,d keys read back (%,d unreadable), %,d reads judged, %,d stale reads, "
                        + "%,d acknowledged writes, %,d lost, %,d indeterminate (failed) writes%n",
                verdict, check.keysChecked(), check.unreadableKeys(), check.readsChecked(), check.staleReads(),
                check.acknowledgedWrites(), check.lostWrites(), check.indeterminateWrites()));
        for (String example : check.examples()) {
            out.append("    ").append(example).append('\n');
        }
        return out.toString();
    }

    private static double ms(long micros) {
        return micros / 1000.0;
    }
}
