package io.kvorum.http;

import com.codahale.metrics.MetricRegistry;
import io.kvorum.common.Bytes;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.expositionformats.ExpositionFormatWriter;
import io.prometheus.metrics.expositionformats.OpenMetricsTextFormatWriter;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.instrumentation.jvm.JvmMetrics;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.Unit;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Locale;
import java.util.function.Supplier;

/**
 * The node's metrics in Prometheus' text formats (issue 15), written by Prometheus' Java client: a
 * labelled request histogram recorded here, the Dropwizard registry mapped onto Prometheus families
 * ({@link PrometheusFamilies}), and the client's JVM collectors (memory, GC, threads, classes, ...).
 * One per node; thread-safe (the client's metrics are, and scraping only reads).
 */
final class PrometheusExposition {
    /**
     * Bucket bounds of {@code kvorum_requests_seconds}: from a cached local read (well under a
     * millisecond) to the longest {@code timeout_ms} a client may ask for (60 s), about doubling,
     * so that p50..p99 interpolate within a factor of two on any cluster.
     */
    private static final double[] REQUEST_BUCKETS_SECONDS = {
        0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60};

    private final PrometheusRegistry registry = new PrometheusRegistry();
    private final Histogram requests;
    private final ExpositionFormatWriter text = PrometheusTextFormatWriter.create();
    private final ExpositionFormatWriter openMetrics = OpenMetricsTextFormatWriter.create();

    PrometheusExposition(MetricRegistry dropwizard, Supplier<MembersView> members) {
        requests = Histogram.builder()
                .name("kvorum_requests_seconds")
                .help("Client key operations from arrival to response, by operation (get, put, patch, delete) and"
                        + " outcome (ok, or the error code answered: not_found, unavailable, ...).")
                .unit(Unit.SECONDS)
                .labelNames("op", "outcome")
                .classicOnly()
                .classicUpperBounds(REQUEST_BUCKETS_SECONDS)
                .withoutExemplars()
                .register(registry);
        registry.register(new PrometheusFamilies(dropwizard, members));
        JvmMetrics.builder().register(registry);
    }

    /** Records one client key operation of {@code op} that ended in {@code outcome} after {@code nanos}. */
    void observeRequest(String op, String outcome, long nanos) {
        requests.labelValues(op, outcome).observe(Unit.nanosToSeconds(nanos));
    }

    /**
     * Whether a {@code GET /metrics} with this {@code Accept} header asks for a Prometheus format rather
     * than the JSON it answers by default: OpenMetrics, or {@code text/plain} without JSON before it.
     */
    static boolean wantsPrometheus(String accept) {
        if (accept == null) {
            return false;
        }
        String lower = accept.toLowerCase(Locale.ROOT);
        int plain = lower.indexOf("text/plain");
        int json = lower.indexOf("application/json");
        return lower.contains("application/openmetrics-text") || (plain >= 0 && (json < 0 || plain < json));
    }

    /** A scrape in the format {@code accept} prefers: OpenMetrics when it names it, else Prometheus text 0.0.4. */
    Reply scrape(String accept) {
        ExpositionFormatWriter writer = accept != null
                && accept.toLowerCase(Locale.ROOT).contains("application/openmetrics-text") ? openMetrics : text;
        ByteArrayOutputStream out = new ByteArrayOutputStream(64 * 1024);
        try {
            writer.write(out, registry.scrape());
        } catch (IOException e) {
            throw new UncheckedIOException("writing to memory failed", e);
        }
        return Reply.ok(Bytes.wrapOwned(out.toByteArray())).withHeader("Content-Type", writer.getContentType());
    }
}
