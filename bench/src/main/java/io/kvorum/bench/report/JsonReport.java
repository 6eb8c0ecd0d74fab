package io.kvorum.bench.report;

import io.kvorum.bench.check.CheckReport;
import io.kvorum.bench.stats.IntervalPoint;
import io.kvorum.bench.stats.LatencySummary;
import io.kvorum.bench.stats.OperationSummary;
import io.kvorum.bench.stats.PercentilePoint;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/** The JSON file: every figure of the report, latencies in microseconds. */
public final class JsonReport {

    private JsonReport() {
    }

    /** {@code report} as JSON. */
    public static JsonObject toJson(BenchReport report) {
        JsonObject settings = new JsonObject();
        report.settings().forEach(settings::put);
        JsonArray runs = new JsonArray();
        for (RunResult run : report.runs()) {
            JsonObject json = runJson(run);
            report.ratioToCeiling(run).ifPresent(ratio -> json.put("ratio_to_ceiling", ratio));
            runs.add(json);
        }
        return new JsonObject().put("title", report.title()).put("started_at", report.startedAt())
                .put("seed", report.seed()).put("settings", settings).put("runs", runs);
    }

    private static JsonObject runJson(RunResult run) {
        JsonArray operations = new JsonArray();
        for (OperationSummary operation : run.operations()) {
            JsonObject errors = new JsonObject();
            operation.errors().forEach((kind, count) -> errors.put(kind.name(), count));
            JsonArray distribution = new JsonArray();
            for (PercentilePoint point : operation.distribution()) {
                distribution.add(new JsonArray().add(point.percentile()).add(point.micros()));
            }
            operations.add(new JsonObject().put("operation", operation.operation().name())
                    .put("latency_micros", latencyJson(operation.latency())).put("errors", errors)
                    .put("percentiles", distribution));
        }
        JsonArray timeline = new JsonArray();
        for (IntervalPoint point : run.timeline()) {
            timeline.add(new JsonObject().put("elapsed_s", point.elapsedSeconds()).put("ops_per_s", point.opsPerSecond())
                    .put("errors", point.errors()).put("p50_micros", point.p50Micros()).put("p99_micros", point.p99Micros()));
        }
        JsonObject json = new JsonObject().put("target", run.target()).put("phase", run.phase().name().toLowerCase())
                .put("warmup_s", run.warmupSeconds()).put("elapsed_s", run.elapsedSeconds())
                .put("successes", run.successes()).put("errors", run.errors())
                .put("throughput_ops_per_s", run.throughput()).put("operations", operations).put("timeline", timeline);
        if (run.check() != null) {
            json.put("check", checkJson(run.check()));
        }
        return json;
    }

    private static JsonObject latencyJson(LatencySummary latency) {
        return new JsonObject().put("count", latency.count()).put("mean", latency.meanMicros())
                .put("p50", latency.p50Micros()).put("p95", latency.p95Micros()).put("p99", latency.p99Micros())
                .put("p99_9", latency.p999Micros()).put("max", latency.maxMicros());
    }

    private static JsonObject checkJson(CheckReport check) {
        return new JsonObject().put("clean", check.clean()).put("keys_checked", check.keysChecked())
                .put("reads_checked", check.readsChecked()).put("stale_reads", check.staleReads())
                .put("acknowledged_writes", check.acknowledgedWrites()).put("lost_writes", check.lostWrites())
                .put("indeterminate_writes", check.indeterminateWrites())
                .put("unreadable_keys", check.unreadableKeys()).put("examples", new JsonArray(check.examples()));
    }
}
