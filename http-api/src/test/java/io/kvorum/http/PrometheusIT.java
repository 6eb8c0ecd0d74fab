package io.kvorum.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpRequest;
import java.nio.file.Path;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Issue 15: {@code /metrics/prometheus}, {@code /metrics} by {@code Accept}, and the request-log switch. */
class PrometheusIT {
    private static final String PROMETHEUS_SCRAPE_ACCEPT = "application/openmetrics-text;version=1.0.0,"
            + "application/openmetrics-text;version=0.0.1;q=0.75,text/plain;version=0.0.4;q=0.5,*/*;q=0.1";

    private final RunningApi node = RunningApi.small();

    @AfterEach
    void close() {
        node.close();
    }

    @Test
    void theExpositionHasLabelledRequestHistogramsNodeFamiliesAndTheJvm() {
        node.put("/kv/a", "{\"value\": 1}");
        node.get("/kv/a");
        node.delete("/kv/a", null);
        node.get("/kv/a"); // 404 not_found
        node.service.registry.counter("kv.quorum-failures.write").inc(2);
        node.service.registry.gauge("anti-entropy.oldest-sync-age-ms", () -> () -> 1500L);
        RunningApi.Answer answer = node.get("/metrics/prometheus");
        assertEquals(200, answer.status());
        assertEquals("text/plain; version=0.0.4; charset=utf-8", answer.header("Content-Type"));
        String text = answer.body();
        assertEquals(1, sample(text, "kvorum_requests_seconds_count{op=\"get\",outcome=\"ok\"}"));
        assertEquals(1, sample(text, "kvorum_requests_seconds_count{op=\"get\",outcome=\"not_found\"}"));
        assertEquals(1, sample(text, "kvorum_requests_seconds_count{op=\"put\",outcome=\"ok\"}"));
        assertEquals(1, sample(text, "kvorum_requests_seconds_bucket{op=\"delete\",outcome=\"ok\",le=\"+Inf\"}"));
        assertTrue(text.contains("# TYPE kvorum_requests_seconds histogram"), text);
        assertEquals(2, sample(text, "kvorum_quorum_failures_total{op=\"write\"}"));
        assertEquals(1.5, sample(text, "kvorum_anti_entropy_oldest_sync_age_seconds"));
        assertEquals(1, sample(text, "kvorum_http_errors_total{code=\"not_found\"}"));
        assertEquals(1, sample(text, "kvorum_members{status=\"up\"}"));
        assertEquals(1, sample(text, "kvorum_members{status=\"down\"}"));
        assertEquals(0, sample(text, "kvorum_members{status=\"leaving\"}"));
        assertTrue(text.contains("\njvm_memory_used_bytes{area=\"heap\"}"), "JVM metrics missing");
        assertFalse(text.contains("kvorum_kv_get"), "the Dropwizard request timers are replaced by the histogram");
    }

    @Test
    void metricsAnswersPrometheusTextOnlyWhenAskedFor() {
        assertTrue(node.get("/metrics").json().has("counters"), "JSON stays the default");
        assertTrue(withAccept("/metrics", "application/json, text/plain;q=0.5").json().has("counters"));
        RunningApi.Answer text = withAccept("/metrics", "text/plain; version=0.0.4");
        assertEquals("text/plain; version=0.0.4; charset=utf-8", text.header("Content-Type"));
        assertTrue(text.body().contains("# TYPE kvorum_members gauge"), text.body());
        RunningApi.Answer open = withAccept("/metrics", PROMETHEUS_SCRAPE_ACCEPT);
        assertTrue(open.header("Content-Type").startsWith("application/openmetrics-text; version=1.0.0"), open.header("Content-Type"));
        assertTrue(open.body().endsWith("# EOF\n"), "OpenMetrics ends with # EOF");
        assertEquals(405, node.send("POST", "/metrics/prometheus", "{}").status());
    }

    @Test
    void promtoolAcceptsTheExposition() throws Exception {
        Path promtool = Promtool.require();
        node.put("/kv/a", "{\"value\": 1}");
        node.get("/kv/missing");
        Promtool.Verdict verdict = Promtool.checkMetrics(promtool, node.get("/metrics/prometheus").body());
        assertEquals(0, verdict.exitStatus(), "promtool check metrics found problems:\n" + verdict.output());
    }

    @Test
    void requestLoggingIsOffByDefaultAndSwitchesAtRunTime() {
        assertEquals("{\"enabled\":false}", node.get("/admin/request-log").body());
        assertEquals("{\"enabled\":true}", node.put("/admin/request-log", "{\"enabled\": true}").body());
        assertTrue(node.api.loggingRequests());
        for (String bad : new String[] {"", "nope", "{\"enabled\": \"yes\"}", "[]", "{}"}) {
            RunningApi.Answer answer = node.put("/admin/request-log", bad);
            assertEquals(400, answer.status(), bad);
            assertEquals("invalid_json", answer.json().get("error").asText(), bad);
        }
        assertTrue(node.api.loggingRequests(), "a rejected switch changes nothing");
        assertEquals("{\"enabled\":false}", node.put("/admin/request-log", "{\"enabled\": false}").body());
        assertFalse(node.api.loggingRequests());
        assertEquals(405, node.delete("/admin/request-log", null).status());
    }

    private RunningApi.Answer withAccept(String path, String accept) {
        return node.send(HttpRequest.newBuilder(node.uri(path)).timeout(Duration.ofSeconds(20)).header("Accept", accept).GET().build());
    }

    /** The value of the sample written exactly as {@code series}, failing when it is absent. */
    static double sample(String exposition, String series) {
        Matcher m = Pattern.compile("(?m)^" + Pattern.quote(series) + " (\\S+)$").matcher(exposition);
        assertTrue(m.find(), "no sample " + series + " in:\n" + exposition);
        return Double.parseDouble(m.group(1));
    }
}
