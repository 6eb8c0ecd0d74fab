package io.kvorum.http;

import com.codahale.metrics.MetricRegistry;
import io.netty.channel.Channel;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.VerticleBase;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.core.net.impl.ConnectionBase;
import java.util.concurrent.TimeUnit;

/**
 * One HTTP server on one event loop; {@link HttpApi} deploys as many as settings ask for and Vert.x
 * spreads connections over them (server sharing). Each one serves the shared, stateless router, and
 * puts every connection under the node-wide {@link HttpGuards} and a per-connection {@link ConnectionGuard}.
 */
final class ServerVerticle extends VerticleBase {
    /** A valid key is at most 3 KiB encoded; this leaves room for the query without letting URIs grow unbounded. */
    static final int REQUEST_LINE_CHARS_MAX = 16 * 1024;

    private final HttpApiSettings settings;
    private final int port;
    private final Handler<HttpServerRequest> router;
    private final MetricRegistry registry;
    private final HttpGuards guards;
    private final Responses responses = new Responses();
    private HttpServer server;

    ServerVerticle(HttpApiSettings settings, int port, Handler<HttpServerRequest> router, MetricRegistry registry,
                   HttpGuards guards) {
        this.settings = settings;
        this.port = port;
        this.router = router;
        this.registry = registry;
        this.guards = guards;
    }

    @Override
    public Future<?> start() {
        HttpServerOptions options = new HttpServerOptions()
                .setHost(settings.host())
                .setPort(port)
                .setMaxInitialLineLength(REQUEST_LINE_CHARS_MAX)
                // The router sends 100 Continue itself, after it has checked Content-Length against the limit.
                .setHandle100ContinueAutomatically(false)
                // HTTP/1.1 only: a 413 closes its connection, which under h2c would reset every other stream.
                .setHttp2ClearTextEnabled(false)
                .setDecompressionSupported(false)
                // No WebSockets here: without these the pipeline holds no extension handler that looks at every request.
                .setPerFrameWebSocketCompressionSupported(false)
                .setPerMessageWebSocketCompressionSupported(false)
                .setIdleTimeout((int) Math.min(Integer.MAX_VALUE, settings.idleTimeoutMillis()))
                .setIdleTimeoutUnit(TimeUnit.MILLISECONDS);
        settings.security().tlsCertFile().ifPresent(cert -> options
                .setSsl(true)
                .setUseAlpn(false) // HTTP/1.1 only, as above
                // The handshake comes before the header deadline starts; it has its own bound.
                .setSslHandshakeTimeout(settings.limits().headerTimeout().toMillis())
                .setSslHandshakeTimeoutUnit(TimeUnit.MILLISECONDS)
                .setKeyCertOptions(new PemKeyCertOptions()
                        .setCertPath(cert.toString())
                        .setKeyPath(settings.security().tlsKeyFile().orElseThrow().toString())));
        server = vertx.createHttpServer(options)
                .connectionHandler(this::connected)
                .requestHandler(router)
                .invalidRequestHandler(this::invalidRequest);
        return server.listen();
    }

    @Override
    public Future<?> stop() {
        return server == null ? Future.succeededFuture() : server.shutdown(settings.shutdownGraceMillis(),
                TimeUnit.MILLISECONDS);
    }

    /** The bound port, once started. */
    int actualPort() {
        return server.actualPort();
    }

    /**
     * A new connection: refused with 503 {@code overloaded} past {@code http.connections-max}, else
     * counted until it closes and given its deadlines. Vert.x offers no public access to a connection's
     * Netty pipeline; every HTTP/1.x server connection of Vert.x 5 is a {@link ConnectionBase}, and
     * HttpSecurityIT fails if that ever changes.
     */
    private void connected(HttpConnection connection) {
        Channel channel = ((ConnectionBase) connection).channel();
        if (!guards.openConnection()) {
            registry.counter("http.connections.refused").inc();
            ConnectionGuard.refuse(channel.pipeline(), responses.overloaded(guards.limits().connectionsMax()
                    + " client connections are open already", "http.connections-max", guards.limits().connectionsMax()).closing(),
                    code -> registry.counter(code.counterName()).inc());
            return;
        }
        channel.closeFuture().addListener(closed -> guards.closeConnection());
        ConnectionGuard.install(channel.pipeline(), settings.limits().headerTimeout().toMillis(),
                settings.limits().bodyTimeout().toMillis(), responses, code -> registry.counter(code.counterName()).inc());
    }

    /** HTTP that the decoder could not read never reaches a route; it still gets a JSON error, then a close. */
    private void invalidRequest(HttpServerRequest request) {
        Throwable cause = request.decoderResult().cause();
        ApiError error = switch (cause) {
            case TooLongHttpLineException tooLong -> ApiError.of(ErrorCode.URI_TOO_LONG,
                    "request line is longer than " + REQUEST_LINE_CHARS_MAX + " characters");
            case TooLongHttpHeaderException tooLarge -> ApiError.of(ErrorCode.HEADERS_TOO_LARGE,
                    "request headers are larger than " + HttpServerOptions.DEFAULT_MAX_HEADER_SIZE + " bytes");
            case null, default -> ApiError.of(ErrorCode.BAD_REQUEST, "request is not valid HTTP/1.1");
        };
        Reply reply = responses.error(error).closing();
        registry.counter(error.code().counterName()).inc();
        request.response()
                .setStatusCode(reply.status())
                .putHeader("Content-Type", "application/json")
                .putHeader(Reply.CONNECTION, "close")
                .end(Buffer.buffer(reply.body().toByteArray()))
                .onComplete(done -> request.connection().close());
    }
}
