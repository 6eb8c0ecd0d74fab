package io.kvorum.node.it;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kvorum.http.Promtool;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 15 on real nodes (log engine, gossip, failure detector): every node's
 * {@code /metrics/prometheus} passes {@code promtool check metrics}, counts the requests it
 * coordinated, shows its stored keys, and reports a killed member under {@code status="down"}.
 */
class PrometheusNodeIT {
    @TempDir
    Path dataRoot;

    private TestCluster cluster;

    @AfterEach
    void tearDown() {
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    void everyNodesExpositionPassesPromtoolAndFollowsTheCluster() throws Exception {
        Path promtool = Promtool.require();
        cluster = TestCluster.start(dataRoot, 3, List.of("--logging.requests=true"));
        ApiClient first = cluster.client(0);
        for (int i = 0; i < 10; i++) {
            ApiAssertions.assertOk(first.putValue("k" + i, "{\"n\": " + i + "}"));
        }
        ApiAssertions.assertOk(first.get("k0"));
        assertEquals("{\"enabled\":true}", first.send("GET", "/admin/request-log", null).body(), "logging.requests=true");

        for (int i = 0; i < 3; i++) {
            String text = cluster.client(i).send("GET", "/metrics/prometheus", null).body();
            Promtool.Verdict verdict = Promtool.checkMetrics(promtool, text);
            assertEquals(0, verdict.exitStatus(), "node-" + (i + 1) + ": promtool check metrics:\n" + verdict.output());
            assertEquals(3, sample(text, "kvorum_members{status=\"up\"}"), "node-" + (i + 1));
        }
        String text = first.send("GET", "/metrics/prometheus", null).body();
        assertEquals(10, sample(text, "kvorum_requests_seconds_count{op=\"put\",outcome=\"ok\"}"));
        assertEquals(1, sample(text, "kvorum_requests_seconds_count{op=\"get\",outcome=\"ok\"}"));
        assertEquals(10, sample(text, "kvorum_storage_keys"), "N=3 on three nodes: every node holds every key");
        assertEquals(0, sample(text, "kvorum_hints_pending"));
        assertTrue(text.contains("\njvm_threads_current "), "JVM metrics");

        cluster.kill(2);
        await().atMost(Duration.ofSeconds(30)).until(() ->
                sample(first.send("GET", "/metrics/prometheus", null).body(), "kvorum_members{status=\"down\"}") == 1);
    }

    /** The value of the sample written exactly as {@code series}, failing when it is absent. */
    private static double sample(String exposition, String series) {
        Matcher m = Pattern.compile("(?m)^" + Pattern.quote(series) + " (\\S+)$").matcher(exposition);
        assertTrue(m.find(), "no sample " + series + " in:\n" + exposition);
        return Double.parseDouble(m.group(1));
    }
}
