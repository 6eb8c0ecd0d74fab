package io.kvorum.http;

import com.codahale.metrics.MetricRegistry;
import com.codahale.metrics.json.MetricsModule;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.kvorum.common.Bytes;
import io.kvorum.common.Key;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerRequest;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * Dispatches requests to api.md's routes by hand (a handful of routes does not need vertx-web).
 * Order of checks: shutting down (503), unknown path (404), wrong method (405), then the route's own
 * validation. Holds no per-request state, so the server instances on every event loop share one.
 */
final class KvRouter implements Handler<HttpServerRequest> {
    private final KvService service;
    private final BooleanSupplier draining;
    private final Responses responses = new Responses();
    private final KvOperations operations;
    private final OpsRoutes ops;
    private final MembershipRoutes membership;
    private final MetricRegistry registry;
    private final ObjectMapper metricsMapper;
    private final Telemetry telemetry;
    private final RequestLogAdmin requestLogAdmin;

    KvRouter(Vertx vertx, HttpApiSettings settings, KvService service, BooleanSupplier draining, RequestLog requestLog) {
        this.service = service;
        this.draining = draining;
        this.registry = service.metrics();
        this.telemetry = new Telemetry(registry, new PrometheusExposition(registry, service::members), requestLog);
        this.requestLogAdmin = new RequestLogAdmin(requestLog, responses);
        this.operations = new KvOperations(vertx, settings, service, responses);
        this.ops = new OpsRoutes(vertx, service, responses);
        this.membership = new MembershipRoutes(vertx, service, responses);
        // Rates per second and durations in milliseconds, as operators read them; no raw samples.
        this.metricsMapper = new ObjectMapper()
                .registerModule(new MetricsModule(TimeUnit.SECONDS, TimeUnit.MILLISECONDS, false));
    }

    @Override
    public void handle(HttpServerRequest request) {
        HttpRoundTrip exchange = new HttpRoundTrip(request, telemetry, responses);
        exchange.guard(() -> route(exchange));
    }

    private void route(HttpRoundTrip exchange) {
        HttpServerRequest request = exchange.request();
        if (draining.getAsBoolean()) {
            exchange.send(responses.shuttingDown());
            return;
        }
        String method = request.method().name();
        Route route = Route.match(request.path());
        if (route instanceof Route.Unknown) {
            exchange.send(responses.noSuchRoute(method, String.valueOf(request.path())));
            return;
        }
        if (!route.allowedMethods().contains(method)) {
            exchange.send(responses.methodNotAllowed(method, route.allowedMethods()));
            return;
        }
        switch (route) {
            case Route.Item(String rawKey) -> item(exchange, method, rawKey);
            case Route.Replicas(String rawKey) -> replicas(exchange, rawKey);
            case Route.Health() -> exchange.send(responses.health(service.self()));
            case Route.OwnStatus() -> ops.ownStatus(exchange);
            case Route.ClusterStatus() -> ops.clusterStatus(exchange);
            case Route.Transfers() -> membership.transfers(exchange);
            case Route.Leave() -> membership.leave(exchange);
            case Route.Remove(String rawNode) -> membership.remove(exchange, rawNode);
            case Route.ContextDecode(String rawContext) -> ops.decodeContext(exchange, rawContext);
            case Route.Dashboard() -> ops.dashboard(exchange);
            case Route.Members() -> exchange.send(responses.members(service.members()));
            case Route.Ring() -> ring(exchange);
            case Route.Metrics() -> metrics(exchange);
            case Route.PrometheusMetrics() -> exchange.send(telemetry.prometheus().scrape(request.getHeader("Accept")));
            case Route.RequestLogging() -> requestLogAdmin.handle(exchange, method);
            case Route.Unknown() -> throw new IllegalStateException("unknown routes are answered above");
        }
    }

    private void item(HttpRoundTrip exchange, String method, String rawKey) {
        switch (method) {
            case "GET" -> operations.get(exchange, rawKey);
            case "PUT" -> operations.put(exchange, rawKey);
            case "DELETE" -> operations.delete(exchange, rawKey);
            default -> throw new IllegalStateException("method " + method + " passed the Allow check");
        }
    }

    private void replicas(HttpRoundTrip exchange, String rawKey) {
        switch (PathKeys.decode(rawKey)) {
            case Validated.Invalid<Key>(ApiError error) -> exchange.send(responses.error(error));
            case Validated.Valid<Key>(Key key) ->
                    exchange.send(responses.replicas(service.replicas(key)));
        }
    }

    /** {@code ?tokens=true} adds each owner's tokens and the partitioner (for clients that route by token). */
    private void ring(HttpRoundTrip exchange) {
        switch (QueryParameters.parse(exchange.request().query()).then(QueryParameters::tokens)) {
            case Validated.Invalid<Boolean>(ApiError error) -> exchange.send(responses.error(error));
            case Validated.Valid<Boolean>(Boolean withTokens) -> exchange.send(responses.ring(service.ring(), withTokens));
        }
    }

    /** JSON as ever, unless the client asks for Prometheus' text (as a Prometheus server's scrape does). */
    private void metrics(HttpRoundTrip exchange) {
        String accept = exchange.request().getHeader("Accept");
        if (PrometheusExposition.wantsPrometheus(accept)) {
            exchange.send(telemetry.prometheus().scrape(accept));
        } else {
            exchange.send(responses.metrics(registryJson()));
        }
    }

    private Bytes registryJson() {
        try {
            return Bytes.wrapOwned(metricsMapper.writeValueAsBytes(registry));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("rendering the metrics registry failed", e);
        }
    }
}
