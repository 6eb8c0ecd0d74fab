package io.kvorum.http;

import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.net.SocketAddress;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One log line per HTTP request (method, path, status, error code, duration, client), written to the
 * logger {@code kvorum.requests} at INFO. Off by default, as in most servers, because at thousands of
 * requests per second it costs more than the requests; {@code logging.requests} sets the start-up
 * state and {@code PUT /admin/request-log} switches it while the node runs. The details travel as
 * SLF4J key-value pairs, so {@code logging.format=json} gives them as JSON fields.
 */
final class RequestLog {
    private static final Logger LOG = LoggerFactory.getLogger("kvorum.requests");

    private final AtomicBoolean enabled;

    RequestLog(boolean enabled) {
        this.enabled = new AtomicBoolean(enabled);
    }

    boolean enabled() {
        return enabled.get();
    }

    void enable(boolean on) {
        boolean was = enabled.getAndSet(on);
        if (was != on) {
            LOG.info("request logging switched {}", on ? "on" : "off");
        }
    }

    /** Logs {@code request}'s line if logging is on; {@code startNanos} is when it arrived. */
    void log(HttpServerRequest request, Reply reply, long startNanos, long nowNanos) {
        if (!enabled.get() || !LOG.isInfoEnabled()) {
            return;
        }
        double millis = (nowNanos - startNanos) / (double) TimeUnit.MILLISECONDS.toNanos(1);
        SocketAddress remote = request.remoteAddress();
        String method = request.method().name();
        String path = Responses.abbreviate(request.uri());
        String error = reply.error().map(ErrorCode::wire).orElse("-");
        LOG.atInfo()
                .addKeyValue("method", method)
                .addKeyValue("path", path)
                .addKeyValue("status", reply.status())
                .addKeyValue("error", error)
                .addKeyValue("duration_ms", Math.round(millis * 1000) / 1000.0)
                .addKeyValue("client", remote == null ? "-" : remote.toString())
                .log("{} {} {} {} {}ms", method, path, reply.status(), error, String.format(java.util.Locale.ROOT, "%.3f", millis));
    }
}
