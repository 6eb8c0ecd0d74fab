package io.kvorum.http;

import static io.kvorum.http.KvRoutesIT.assertError;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Unknown paths, wrong methods, and the cluster and operations routes. */
class RoutingIT {
    private final RunningApi node = RunningApi.small();

    @AfterEach
    void stop() {
        node.close();
    }

    @Test
    void unknownPathsAre404NoSuchRoute() {
        for (String path : List.of("/", "/kv", "/health/", "/nope", "/cluster", "/cluster/ring/x", "/KV/a", "/healthz?x=1")) {
            for (String method : List.of("GET", "PUT", "POST")) {
                RunningApi.Answer answer = node.send(method, path, method.equals("GET") ? null : "{}");
                JsonNode error = assertError(answer, 404, "no_such_route");
                assertTrue(error.get("message").asText().contains(path.split("\\?")[0]), error.toString());
            }
        }
        assertTrue(node.service.requests.isEmpty());
    }

    @Test
    void wrongMethodsAre405WithAllow() {
        Map<String, String> allowByPath = Map.of(
                "/kv/a", "GET, PUT, PATCH, DELETE",
                "/kv/a/replicas", "GET",
                "/health", "GET",
                "/cluster/members", "GET",
                "/cluster/ring", "GET",
                "/metrics", "GET");
        allowByPath.forEach((path, allow) -> {
            for (String method : List.of("POST", "PATCH", "PUT", "DELETE", "HEAD", "OPTIONS")) {
                if (allow.contains(method)) {
                    continue;
                }
                RunningApi.Answer answer = node.send(method, path, null);
                assertEquals(405, answer.status(), method + " " + path);
                assertEquals(allow, answer.header("Allow"), method + " " + path);
                if (!method.equals("HEAD")) {
                    assertEquals("method_not_allowed", answer.json().get("error").asText());
                }
            }
        });
        // The method is checked before the key: a bad key with a bad method is still 405.
        assertEquals(405, node.send("POST", "/kv/%FF", "{}").status());
        assertTrue(node.service.requests.isEmpty());
    }

    @Test
    void healthNamesTheNode() {
        RunningApi.Answer health = node.get("/health");
        assertEquals(200, health.status());
        assertEquals("application/json", health.header("Content-Type"));
        assertEquals("{\"status\":\"ok\",\"node\":\"node-1\"}", health.body());
    }

    @Test
    void membersShowStatusAndPhiOrNull() {
        RunningApi.Answer members = node.get("/cluster/members?ignored=1");
        assertEquals(200, members.status());
        assertEquals("{\"self\":\"node-1\",\"members\":["
                + "{\"id\":\"node-1\",\"http\":\"127.0.0.1:8001\",\"internode\":\"127.0.0.1:9001\",\"status\":\"up\",\"phi\":0.25},"
                + "{\"id\":\"node-2\",\"http\":\"127.0.0.1:8002\",\"internode\":\"127.0.0.1:9002\",\"status\":\"down\",\"phi\":null},"
                + "{\"id\":\"node-3\",\"http\":\"127.0.0.1:8003\",\"internode\":\"127.0.0.1:9003\",\"status\":\"joining\",\"phi\":null}]}", members.body());
    }

    @Test
    void ringShowsSharesPerOwner() {
        assertEquals("{\"vnodes_per_node\":128,\"n\":3,\"owners\":[{\"id\":\"node-1\",\"share\":0.5},"
                + "{\"id\":\"node-2\",\"share\":0.5}]}", node.get("/cluster/ring").body());
    }

    @Test
    void ringWithTokensShowsThePartitionerAndEachOwnersTokensAsStrings() {
        assertEquals("{\"vnodes_per_node\":128,\"n\":3,\"partitioner\":\"murmur3\",\"owners\":["
                + "{\"id\":\"node-1\",\"share\":0.5,\"tokens\":[\"-9\",\"100\"]},"
                + "{\"id\":\"node-2\",\"share\":0.5,\"tokens\":[\"-9223372036854775808\",\"9223372036854775807\"]}]}",
                node.get("/cluster/ring?tokens=true").body());
        assertEquals(node.get("/cluster/ring").body(), node.get("/cluster/ring?tokens=false").body());
    }

    @Test
    void ringRejectsABadTokensParameter() {
        for (String query : java.util.List.of("tokens=TRUE", "tokens=1", "tokens=", "tokens=true&tokens=true")) {
            RunningApi.Answer answer = node.get("/cluster/ring?" + query);
            assertEquals(400, answer.status(), query);
            assertTrue(answer.body().contains("\"error\":\"invalid_parameter\""), answer.body());
            assertTrue(answer.body().contains("tokens"), answer.body());
        }
    }

    @Test
    void replicasListThePreferenceList() {
        RunningApi.Answer replicas = node.get("/kv/caf%C3%A9/replicas?r=banana");
        assertEquals(200, replicas.status());
        assertEquals("{\"key\":\"café\",\"preference_list\":[\"node-1\",\"node-2\",\"node-3\"],\"n\":3}",
                new String(replicas.body().getBytes(StandardCharsets.UTF_8), StandardCharsets.UTF_8));
    }

    @Test
    void metricsShowOperationTimersAndErrorCounters() {
        node.put("/kv/a", "{\"value\": 1}");
        node.get("/kv/a");
        node.get("/kv/a");
        node.delete("/kv/a", null);
        node.get("/kv/");
        node.get("/nope");
        node.get("/kv/a"); // not found after the delete
        JsonNode metrics = node.get("/metrics").json();
        JsonNode timers = metrics.get("timers");
        assertEquals(3, timers.get("kv.get").get("count").asInt());
        assertEquals(1, timers.get("kv.put").get("count").asInt());
        assertEquals(1, timers.get("kv.delete").get("count").asInt());
        assertEquals("milliseconds", timers.get("kv.get").get("duration_units").asText());
        assertEquals("calls/second", timers.get("kv.get").get("rate_units").asText());
        assertTrue(timers.get("kv.get").has("p99"));
        JsonNode counters = metrics.get("counters");
        assertEquals(1, counters.get("http.errors.invalid_key").get("count").asInt());
        assertEquals(1, counters.get("http.errors.no_such_route").get("count").asInt());
        assertEquals(1, counters.get("http.errors.not_found").get("count").asInt());
    }

    @Test
    void metricsIncludeWhatTheNodeRecords() {
        node.service.registry.counter("quorum.failures").inc(4);
        node.service.registry.meter("hints.delivered").mark();
        JsonNode metrics = node.get("/metrics").json();
        assertEquals(4, metrics.get("counters").get("quorum.failures").get("count").asInt());
        assertEquals(1, metrics.get("meters").get("hints.delivered").get("count").asInt());
        assertTrue(metrics.has("gauges") && metrics.has("histograms"));
    }
}
