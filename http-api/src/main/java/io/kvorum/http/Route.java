package io.kvorum.http;

import java.util.List;

/**
 * The routes of api.md, matched on the raw (still percent-encoded) request path so that an encoded
 * {@code %2F} inside a key is never taken for a path separator.
 */
sealed interface Route {
    List<String> GET_ONLY = List.of("GET");

    /** The methods this route answers, in the order the {@code Allow} header lists them. */
    List<String> allowedMethods();

    /** {@code /kv/{key}}; {@code rawKey} is everything after {@code /kv/}, validated later. */
    record Item(String rawKey) implements Route {
        public List<String> allowedMethods() {
            return List.of("GET", "PUT", "DELETE");
        }
    }

    /** {@code /kv/{key}/replicas}. */
    record Replicas(String rawKey) implements Route {
        public List<String> allowedMethods() {
            return GET_ONLY;
        }
    }

    /** {@code /health}. */
    record Health() implements Route {
        public List<String> allowedMethods() {
            return GET_ONLY;
        }
    }

    /** {@code /node/status}: this node's own figures. */
    record OwnStatus() implements Route {
        public List<String> allowedMethods() {
            return GET_ONLY;
        }
    }

    /** {@code /cluster/status}: every member as this node sees it, with each one's own figures. */
    record ClusterStatus() implements Route {
        public List<String> allowedMethods() {
            return GET_ONLY;
        }
    }

    /** {@code /cluster/transfers}. */
    record Transfers() implements Route {
        public List<String> allowedMethods() {
            return GET_ONLY;
        }
    }

    /** {@code /cluster/leave}: the node that receives it leaves the cluster. */
    record Leave() implements Route {
        public List<String> allowedMethods() {
            return List.of("POST");
        }
    }

    /** {@code /cluster/remove/{node}}; {@code rawNode} is everything after {@code /cluster/remove/}. */
    record Remove(String rawNode) implements Route {
        public List<String> allowedMethods() {
            return List.of("POST");
        }
    }

    /** {@code /context/{context}}; {@code rawContext} is everything after {@code /context/}. */
    record ContextDecode(String rawContext) implements Route {
        public List<String> allowedMethods() {
            return GET_ONLY;
        }
    }

    /** {@code /ui} (and {@code /ui/}): the dashboard page. */
    record Dashboard() implements Route {
        public List<String> allowedMethods() {
            return GET_ONLY;
        }
    }

    /** {@code /cluster/members}. */
    record Members() implements Route {
        public List<String> allowedMethods() {
            return GET_ONLY;
        }
    }

    /** {@code /cluster/ring}. */
    record Ring() implements Route {
        public List<String> allowedMethods() {
            return GET_ONLY;
        }
    }

    /** {@code /metrics}. */
    record Metrics() implements Route {
        public List<String> allowedMethods() {
            return GET_ONLY;
        }
    }

    /** {@code /metrics/prometheus}: the metrics in Prometheus' text format (issue 15). */
    record PrometheusMetrics() implements Route {
        public List<String> allowedMethods() {
            return GET_ONLY;
        }
    }

    /** {@code /admin/request-log}: read or switch request logging. */
    record RequestLogging() implements Route {
        public List<String> allowedMethods() {
            return List.of("GET", "PUT");
        }
    }

    /** Any other path: 404 {@code no_such_route}. */
    record Unknown() implements Route {
        public List<String> allowedMethods() {
            return List.of();
        }
    }

    /**
     * The route for a raw path. Under {@code /kv/} everything is a key route: a path with more
     * segments than {@code {key}} or {@code {key}/replicas} keeps its extra {@code /} in the raw key,
     * which {@link PathKeys} then rejects as {@code invalid_key} (api.md: a key is one segment).
     */
    static Route match(String rawPath) {
        if (rawPath == null) {
            return new Unknown();
        }
        return switch (rawPath) {
            case "/health" -> new Health();
            case "/node/status" -> new OwnStatus();
            case "/cluster/status" -> new ClusterStatus();
            case "/cluster/transfers" -> new Transfers();
            case "/cluster/leave" -> new Leave();
            case "/ui", "/ui/" -> new Dashboard();
            case "/cluster/members" -> new Members();
            case "/cluster/ring" -> new Ring();
            case "/metrics" -> new Metrics();
            case "/metrics/prometheus" -> new PrometheusMetrics();
            case "/admin/request-log" -> new RequestLogging();
            default -> matchKeyRoute(rawPath);
        };
    }

    private static Route matchKeyRoute(String rawPath) {
        if (rawPath.startsWith("/cluster/remove/") && rawPath.length() > "/cluster/remove/".length()) {
            return new Remove(rawPath.substring("/cluster/remove/".length()));
        }
        if (rawPath.startsWith("/context/")) {
            return new ContextDecode(rawPath.substring("/context/".length()));
        }
        if (!rawPath.startsWith("/kv/")) {
            return new Unknown();
        }
        String rest = rawPath.substring("/kv/".length());
        String suffix = "/replicas";
        int slash = rest.indexOf('/');
        if (slash >= 0 && slash == rest.length() - suffix.length() && rest.endsWith(suffix)) {
            return new Replicas(rest.substring(0, slash));
        }
        return new Item(rest);
    }
}
