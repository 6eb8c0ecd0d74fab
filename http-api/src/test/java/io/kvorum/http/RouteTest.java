package io.kvorum.http;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

class RouteTest {
    @Test
    void matchesTheFixedRoutesExactly() {
        assertEquals(new Route.Health(), Route.match("/health"));
        assertEquals(new Route.Members(), Route.match("/cluster/members"));
        assertEquals(new Route.Ring(), Route.match("/cluster/ring"));
        assertEquals(new Route.Metrics(), Route.match("/metrics"));
        assertEquals(new Route.PrometheusMetrics(), Route.match("/metrics/prometheus"));
        assertEquals(new Route.RequestLogging(), Route.match("/admin/request-log"));
        for (String path : List.of("/", "", "/health/", "/HEALTH", "/cluster", "/cluster/", "/kv", "/kvx/a",
                "//kv/a", "/metrics/x", "*")) {
            assertEquals(new Route.Unknown(), Route.match(path), path);
        }
        assertEquals(new Route.Unknown(), Route.match(null));
    }

    @Test
    void everythingUnderKvIsAKeyRouteWithTheRawKey() {
        assertEquals(new Route.Item("a"), Route.match("/kv/a"));
        assertEquals(new Route.Item(""), Route.match("/kv/"));
        assertEquals(new Route.Item("a%2Fb"), Route.match("/kv/a%2Fb"));
        assertEquals(new Route.Item("a/b"), Route.match("/kv/a/b"));
        assertEquals(new Route.Item("a/"), Route.match("/kv/a/"));
        assertEquals(new Route.Item("replicas"), Route.match("/kv/replicas"));
        assertEquals(new Route.Item("a/b/replicas"), Route.match("/kv/a/b/replicas"));
        assertEquals(new Route.Item("a/replicas/"), Route.match("/kv/a/replicas/"));
        assertEquals(new Route.Replicas("a"), Route.match("/kv/a/replicas"));
        assertEquals(new Route.Replicas("a%2Fb"), Route.match("/kv/a%2Fb/replicas"));
        assertEquals(new Route.Replicas("replicas"), Route.match("/kv/replicas/replicas"));
        assertEquals(new Route.Replicas(""), Route.match("/kv//replicas"));
    }

    @Test
    void listsTheAllowedMethods() {
        assertEquals(List.of("GET", "PUT", "PATCH", "DELETE"), new Route.Item("a").allowedMethods());
        assertEquals(List.of("GET"), new Route.Replicas("a").allowedMethods());
        assertEquals(List.of("GET"), new Route.Metrics().allowedMethods());
    }
}
