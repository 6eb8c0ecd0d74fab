package io.kvorum.bench.report;

import io.kvorum.bench.stats.IntervalPoint;
import io.kvorum.bench.stats.LatencySummary;
import io.kvorum.bench.stats.OperationSummary;
import io.kvorum.bench.stats.PercentilePoint;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The self-contained HTML report: settings, the results table, a throughput-over-time chart and a
 * latency percentile plot (HdrHistogram style: x is the percentile on a 1/(1-p) log scale), all inline
 * SVG; the page loads nothing from anywhere.
 */
public final class HtmlReport {

    private static final String[] COLORS = {"#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b",
        "#e377c2", "#17becf"};
    private static final double[] PERCENTILE_TICKS = {0, 90, 99, 99.9, 99.99, 99.999};

    private HtmlReport() {
    }

    /** The page for {@code report}. */
    public static String render(BenchReport report) {
        StringBuilder html = new StringBuilder("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
                + "<title>Kvorum bench</title><style>body{font-family:sans-serif;margin:24px;color:#222}"
                + "table{border-collapse:collapse;margin:8px 0 20px}td,th{border:1px solid #ccc;padding:3px 8px;"
                + "text-align:right}th{background:#f3f3f3}td.l,th.l{text-align:left}.bad{color:#b00;font-weight:bold}"
                + "</style></head><body>\n");
        html.append("<h1>Kvorum bench</h1><p>").append(escape(report.title())).append("<br>started ")
                .append(escape(report.startedAt())).append(", seed ").append(report.seed()).append("</p>\n");
        html.append("<h2>Settings</h2><table>");
        report.settings().forEach((key, value) -> html.append("<tr><th class=\"l\">").append(escape(key))
                .append("</th><td class=\"l\">").append(escape(value)).append("</td></tr>"));
        html.append("</table>\n<h2>Results</h2>").append(resultsTable(report));
        html.append("<h2>Throughput over time</h2>").append(throughputChart(report));
        html.append("<h2>Latency by percentile</h2>").append(percentileChart(report));
        html.append("<p>Latency runs from each operation's intended start (no coordinated omission).</p>");
        return html.append("</body></html>\n").toString();
    }

    private static String resultsTable(BenchReport report) {
        StringBuilder table = new StringBuilder("<table><tr><th class=\"l\">target</th><th class=\"l\">phase</th>"
                + "<th class=\"l\">operation</th><th>count</th><th>ops/s</th><th>ratio to ceiling</th><th>p50 ms</th>"
                + "<th>p95 ms</th><th>p99 ms</th><th>p99.9 ms</th><th>max ms</th><th class=\"l\">errors</th></tr>");
        for (RunResult run : report.runs()) {
            String ratio = report.ratioToCeiling(run).map(r -> String.format(Locale.ROOT, "%.2f", r)).orElse("");
            table.append(String.format(Locale.ROOT, "<tr><td class=\"l\">%s</td><td class=\"l\">%s</td><td class=\"l\">"
                    + "ALL</td><td>%,d</td><td>%,.0f</td><td>%s</td><td colspan=\"5\" class=\"l\">%s</td>"
                    + "<td class=\"l\">%,d</td></tr>", run.target(), run.phase().name().toLowerCase(Locale.ROOT),
                    run.successes(), run.throughput(), ratio, escape(TextReport.warmup(run).strip()), run.errors()));
            for (OperationSummary operation : run.operations()) {
                LatencySummary l = operation.latency();
                table.append(String.format(Locale.ROOT, "<tr><td></td><td></td><td class=\"l\">%s</td><td>%,d</td>"
                        + "<td></td><td></td><td>%.2f</td><td>%.2f</td><td>%.2f</td><td>%.2f</td><td>%.2f</td>"
                        + "<td class=\"l\">%s</td></tr>", operation.operation(), l.count(), l.p50Micros() / 1e3,
                        l.p95Micros() / 1e3, l.p99Micros() / 1e3, l.p999Micros() / 1e3, l.maxMicros() / 1e3,
                        escape(TextReport.errors(operation.errors()))));
            }
            if (run.check() != null) {
                table.append("<tr><td colspan=\"12\" class=\"l").append(run.check().clean() ? "" : " bad")
                        .append("\">correctness: ").append(escape(checkText(run))).append("</td></tr>");
            }
        }
        return table.append("</table>\n").toString();
    }

    private static String checkText(RunResult run) {
        var check = run.check();
        return String.format(Locale.ROOT, "%,d keys read back, %,d reads judged, %,d stale reads, %,d acknowledged "
                + "writes, %,d lost writes, %,d indeterminate, %,d unreadable keys %s", check.keysChecked(),
                check.readsChecked(), check.staleReads(), check.acknowledgedWrites(), check.lostWrites(),
                check.indeterminateWrites(), check.unreadableKeys(), String.join("; ", check.examples()));
    }

    private static String throughputChart(BenchReport report) {
        List<SvgChart.Series> series = new ArrayList<>();
        double longest = 1;
        int index = 0;
        for (RunResult run : report.runs()) {
            List<double[]> points = new ArrayList<>();
            points.add(new double[] {0, 0});
            for (IntervalPoint point : run.timeline()) {
                points.add(new double[] {point.elapsedSeconds(), point.opsPerSecond()});
                longest = Math.max(longest, point.elapsedSeconds());
            }
            series.add(new SvgChart.Series(run.target() + " " + run.phase().name().toLowerCase(Locale.ROOT),
                    COLORS[index++ % COLORS.length], run.target().equals("baseline"), points));
        }
        List<SvgChart.Tick> ticks = new ArrayList<>();
        double step = Math.max(1, Math.ceil(longest / 10));
        for (double t = 0; t <= longest + step / 2; t += step) {
            ticks.add(new SvgChart.Tick(t, String.format(Locale.ROOT, "%.0f", t)));
        }
        boolean warmedUp = report.runs().stream().anyMatch(run -> run.warmupSeconds() > 0);
        return SvgChart.render("Successful operations per second",
                warmedUp ? "seconds into the phase, after the warm-up" : "seconds into the phase", "ops/s", series,
                ticks, false);
    }

    private static String percentileChart(BenchReport report) {
        List<SvgChart.Series> series = new ArrayList<>();
        int index = 0;
        for (RunResult run : report.runs()) {
            for (OperationSummary operation : run.operations()) {
                List<double[]> points = new ArrayList<>();
                for (PercentilePoint point : operation.distribution()) {
                    points.add(new double[] {percentileX(point.percentile()), point.micros() / 1000.0});
                }
                series.add(new SvgChart.Series(run.target() + " " + run.phase().name().toLowerCase(Locale.ROOT) + " "
                        + operation.operation(), COLORS[index++ % COLORS.length], run.target().equals("baseline"),
                        points));
            }
        }
        List<SvgChart.Tick> ticks = new ArrayList<>();
        for (double percentile : PERCENTILE_TICKS) {
            ticks.add(new SvgChart.Tick(percentileX(percentile), trim(percentile) + "%"));
        }
        return SvgChart.render("Latency by percentile (from intended start)", "percentile", "latency (ms, log)", series,
                ticks, true);
    }

    /** log10(1 / (1 - p)): 0 at 0%, 1 at 90%, 2 at 99%, ...; capped at 99.999%. */
    static double percentileX(double percentile) {
        double p = Math.min(percentile, 99.999) / 100.0;
        return Math.log10(1.0 / (1.0 - p));
    }

    private static String trim(double value) {
        return value == Math.rint(value) ? String.format(Locale.ROOT, "%.0f", value) : Double.toString(value);
    }

    /** Escapes text for HTML and SVG. */
    static String escape(String text) {
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
