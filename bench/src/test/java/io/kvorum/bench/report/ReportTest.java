package io.kvorum.bench.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kvorum.bench.check.CheckReport;
import io.kvorum.bench.run.Phase;
import io.kvorum.bench.stats.OperationStats;
import io.kvorum.bench.stats.OperationSummary;
import io.kvorum.bench.stats.Outcome;
import io.kvorum.bench.workload.Operation;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Histograms into summaries, and the three renderings of a report. */
class ReportTest {

    @Test
    void statsSummariseLatencyAndErrors() {
        OperationStats stats = filledStats(1.0);
        OperationSummary read = stats.summaries().get(0);
        assertEquals(Operation.READ, read.operation());
        assertEquals(10_000, read.latency().count());
        assertEquals(5_000, read.latency().p50Micros(), 50);   // uniform 0..10 ms
        assertEquals(9_900, read.latency().p99Micros(), 50);
        assertEquals(Map.of(Outcome.UNAVAILABLE, 3L, Outcome.TIMEOUT, 1L), read.errors());
        assertEquals(2, stats.timeline().size());
        assertEquals(5_000, stats.timeline().get(0).opsPerSecond(), 1e-6);
        assertTrue(read.distribution().size() > 10);
    }

    @Test
    void textJsonAndHtmlCarryTheFiguresAndTheRatio() {
        RunResult baseline = run("baseline", 2.0, filledStats(1.0), null);
        RunResult kvorum = run("kvorum", 4.0, filledStats(2.0),
                new CheckReport(10, 100, 0, 50, 1, 0, 0, List.of()));
        BenchReport report = new BenchReport("test", "2025-01-01T00:00:00Z", 42, Map.of("workload", "a"),
                List.of(baseline, kvorum));
        assertEquals(0.5, report.ratioToCeiling(kvorum).orElseThrow(), 1e-9);

        String text = TextReport.render(report);
        assertTrue(text.contains("0.50 of the ceiling"), text);
        assertTrue(text.contains("UNAVAILABLE=3 TIMEOUT=1"), text);
        assertTrue(text.contains("no stale reads, no lost writes"), text);

        JsonObject json = JsonReport.toJson(report);
        JsonObject second = json.getJsonArray("runs").getJsonObject(1);
        assertEquals(0.5, second.getDouble("ratio_to_ceiling"), 1e-9);
        assertEquals(42, json.getLong("seed"));
        assertTrue(second.getJsonObject("check").getBoolean("clean"));
        assertEquals(3, second.getJsonArray("operations").getJsonObject(0).getJsonObject("errors")
                .getLong("UNAVAILABLE"));

        String html = HtmlReport.render(report);
        assertEquals(2, html.split("<svg").length - 1, "a throughput chart and a percentile plot");
        assertTrue(html.contains("<polyline"));
        assertFalse(html.contains("<script"), "no script needed");
        assertFalse(html.replace("http://www.w3.org/2000/svg", "").matches("(?s).*(https?:|src=|href=).*"),
                "loads nothing from anywhere");
    }

    @Test
    void theWarmupIsReportedWithTheRunItPreceded() {
        OperationStats stats = filledStats(1.0);
        RunResult load = new RunResult("kvorum", Phase.LOAD, 0, 1.0, 100, 0, stats.summaries(), stats.timeline(), null);
        RunResult run = new RunResult("kvorum", Phase.RUN, 60, 30.0, 10_000, 4, stats.summaries(), stats.timeline(),
                null);
        BenchReport report = new BenchReport("test", "2025-01-01T00:00:00Z", 42,
                Map.of("warm-up", "60.0 s before the run phase, not counted"), List.of(load, run));

        String text = TextReport.render(report);
        assertTrue(text.contains("warm-up: 60.0 s before the run phase, not counted"), text);
        assertTrue(text.contains("in 30.0 s after a 60.0 s warm-up, 4 errors"), text);
        assertFalse(text.contains("in 1.0 s after"), "the load phase had none: " + text);

        JsonObject json = JsonReport.toJson(report);
        assertEquals(0.0, json.getJsonArray("runs").getJsonObject(0).getDouble("warmup_s"));
        assertEquals(60.0, json.getJsonArray("runs").getJsonObject(1).getDouble("warmup_s"));
        assertEquals("60.0 s before the run phase, not counted", json.getJsonObject("settings").getString("warm-up"));

        String html = HtmlReport.render(report);
        assertTrue(html.contains("after a 60.0 s warm-up"), html);
        assertTrue(html.contains("seconds into the phase, after the warm-up"), html);
    }

    @Test
    void percentileAxisIsLogOfOneOverOneMinusP() {
        assertEquals(0, HtmlReport.percentileX(0), 1e-9);
        assertEquals(2, HtmlReport.percentileX(99), 1e-9);
        assertEquals(3, HtmlReport.percentileX(99.9), 1e-9);
    }

    private static RunResult run(String target, double seconds, OperationStats stats, CheckReport check) {
        return new RunResult(target, Phase.RUN, 0, seconds, 10_000, 4, stats.summaries(), stats.timeline(), check);
    }

    /** 10,000 reads uniform over 0..10 ms (times {@code scale}) in two one-second intervals, 4 errors. */
    private static OperationStats filledStats(double scale) {
        OperationStats stats = new OperationStats();
        SplittableRandom random = new SplittableRandom(5);
        for (int i = 0; i < 10_000; i++) {
            long micros = (long) (i % 10_000 * scale);
            stats.record(Operation.READ, Outcome.OK, micros * 1000 + random.nextInt(1000));
            if (i == 4_999) {
                stats.sample(1.0);
            }
        }
        stats.record(Operation.READ, Outcome.UNAVAILABLE, 0);
        stats.record(Operation.READ, Outcome.UNAVAILABLE, 0);
        stats.record(Operation.READ, Outcome.UNAVAILABLE, 0);
        stats.record(Operation.READ, Outcome.TIMEOUT, 0);
        stats.sample(2.0);
        return stats;
    }
}
