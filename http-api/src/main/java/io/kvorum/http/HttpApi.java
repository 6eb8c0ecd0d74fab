package io.kvorum.http;

import io.kvorum.common.Invariants;
import io.kvorum.config.ConfigException;
import io.kvorum.config.HttpConfig;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The node's HTTP/JSON API (shared/docs/api.md) over a {@link KvService}: starts the servers, and on
 * shutdown first drains (every new request gets 503 {@code unavailable}, "node is shutting down")
 * and then stops them, letting in-flight requests finish within the shutdown grace.
 *
 * <p>Lifecycle: {@link #start()} once, then {@link #drain()} (optional) and {@link #close()}.
 */
public final class HttpApi {
    private static final String SHARED_EPHEMERAL_PORT_IDS = "io.kvorum.http.shared-ephemeral-port-ids";

    private final Vertx vertx;
    private final HttpApiSettings settings;
    private final KvService service;
    private final AtomicBoolean draining = new AtomicBoolean();
    private final RequestLog requestLog = new RequestLog(false);
    private final AtomicBoolean started = new AtomicBoolean();
    private final HttpGuards guards;
    private final List<String> deployments = new CopyOnWriteArrayList<>();
    private volatile int port = -1;

    public HttpApi(Vertx vertx, HttpApiSettings settings, KvService service) {
        this.vertx = vertx;
        this.settings = settings;
        this.service = service;
        this.guards = new HttpGuards(settings.limits());
    }

    /**
     * Binds {@code settings.serverInstances()} servers to {@code host:port} and completes with the
     * bound port (the ephemeral one when the settings say 0).
     */
    public Future<Integer> start() {
        Invariants.check(started.compareAndSet(false, true), "HttpApi.start() called twice");
        Optional<ClientTokens> tokens;
        try {
            tokens = checkedSecurity();
        } catch (ConfigException e) {
            return Future.failedFuture(e);
        }
        // Each bound has its metric (style.md): how close the node is to http.connections-max and http.requests-in-flight-max.
        service.metrics().gauge("http.connections.open", () -> guards::connections);
        service.metrics().gauge("http.requests.in-flight", () -> guards::requestsInFlight);
        KvRouter router = new KvRouter(vertx, settings, service, draining::get, requestLog, tokens, guards);
        return listenPort().compose(listenPort -> {
            ServerVerticle first = new ServerVerticle(settings, listenPort, router, service.metrics(), guards);
            return vertx.deployVerticle(first).compose(id -> {
                deployments.add(id);
                port = first.actualPort();
                int more = settings.serverInstances() - 1;
                if (more == 0) {
                    return Future.succeededFuture(port);
                }
                return vertx.deployVerticle(() -> new ServerVerticle(settings, listenPort, router, service.metrics(), guards),
                                new DeploymentOptions().setInstances(more))
                        .map(moreId -> {
                            deployments.add(moreId);
                            return port;
                        });
            });
        });
    }

    /**
     * Reads the tokens file and checks the TLS files before anything listens, so that a mistake stops
     * the node at start-up with the key named, rather than surfacing at the first request.
     */
    private Optional<ClientTokens> checkedSecurity() {
        HttpConfig.Security security = settings.security();
        security.tlsCertFile().ifPresent(cert -> SecretFiles.requireReadable(cert, "http.tls.cert-file"));
        security.tlsKeyFile().ifPresent(key -> SecretFiles.requireOwnerOnly(key, "http.tls.key-file"));
        security.tlsCaFile().ifPresent(ca -> SecretFiles.requireReadable(ca, "http.tls.ca-file"));
        return security.tokensFile().map(ClientTokens::load);
    }

    /**
     * The port to pass to {@code listen}. Vert.x shares a port between servers that listen on the same
     * number; port 0 is never shared (each server gets its own ephemeral port), but a negative number
     * is a shared ephemeral port. Several instances on an ephemeral port therefore listen on a negative
     * id, unique within this Vert.x instance so that two nodes in one JVM never share a port.
     */
    private Future<Integer> listenPort() {
        if (settings.port() != 0 || settings.serverInstances() == 1) {
            return Future.succeededFuture(settings.port());
        }
        return vertx.sharedData().getLocalCounter(SHARED_EPHEMERAL_PORT_IDS)
                .compose(counter -> counter.incrementAndGet())
                .map(id -> -Math.toIntExact(id));
    }

    /**
     * Switches the one-line-per-request log (logger {@code kvorum.requests}) on or off; off until called.
     * Clients switch it with {@code PUT /admin/request-log}.
     */
    public void logRequests(boolean on) {
        requestLog.enable(on);
    }

    /** Whether requests are being logged. */
    public boolean loggingRequests() {
        return requestLog.enabled();
    }

    /** Client connections open now (for tests and status). */
    public int connectionsOpen() {
        return guards.connections();
    }

    /** Client requests between their head and their answer now. */
    public int requestsInFlight() {
        return guards.requestsInFlight();
    }

    /** The bound port once {@link #start()} has completed, else -1. */
    public int port() {
        return port;
    }

    /** From now on every new request is answered 503 {@code unavailable} ("node is shutting down"). */
    public void drain() {
        draining.set(true);
    }

    public boolean draining() {
        return draining.get();
    }

    /** Drains, then stops the servers; requests in flight get up to the shutdown grace to finish. */
    public Future<Void> close() {
        drain();
        List<Future<Void>> undeployed = deployments.stream().map(vertx::undeploy).toList();
        deployments.clear();
        return Future.all(undeployed).mapEmpty();
    }
}
