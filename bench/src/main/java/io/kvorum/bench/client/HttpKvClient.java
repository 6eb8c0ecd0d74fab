package io.kvorum.bench.client;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Non-blocking GET and PUT of {@code /kv/{key}} over a keep-alive connection pool per node. Requests
 * go round-robin over the nodes; a pool spreads its connections over all event loops, and requests
 * beyond the pool's size wait in its queue (that wait counts in their latency). Thread-safe.
 */
public final class HttpKvClient {

    private final List<HttpClientAgent> clients = new ArrayList<>();
    private final Vertx vertx;
    private final long timeoutMillis;
    private final AtomicInteger next = new AtomicInteger();

    /** A client on {@code vertx} for {@code settings}. */
    public HttpKvClient(Vertx vertx, ClientSettings settings) {
        this.vertx = vertx;
        this.timeoutMillis = settings.timeoutMillis();
        for (Endpoint node : settings.nodes()) {
            HttpClientOptions options = new HttpClientOptions()
                    .setDefaultHost(node.host())
                    .setDefaultPort(node.port())
                    .setKeepAlive(true)
                    .setPipelining(false)
                    .setTcpNoDelay(true)
                    .setConnectTimeout((int) Math.min(Integer.MAX_VALUE, timeoutMillis));
            // Connections live on the event loop of the worker that opened them; workers are spread
            // over the event loops, so the pool need not spread them again.
            PoolOptions pool = new PoolOptions().setHttp1MaxSize(settings.connectionsPerNode());
            clients.add(vertx.createHttpClient(options, pool));
        }
    }

    /** {@code GET /kv/{key}?r=}; {@code r} may be null for the node's default. */
    public Future<Reply> get(String key, String r) {
        return send(HttpMethod.GET, uri(key, "r", r), null);
    }

    /** {@code PUT /kv/{key}?w=} of {@code valueJson}, with {@code context} when not null. */
    public Future<Reply> put(String key, String valueJson, String context, String w) {
        StringBuilder body = new StringBuilder(valueJson.length() + 32 + (context == null ? 0 : context.length()));
        body.append("{\"value\":").append(valueJson);
        if (context != null) {
            body.append(",\"context\":\"").append(context).append('"');
        }
        body.append('}');
        return send(HttpMethod.PUT, uri(key, "w", w), Buffer.buffer(body.toString()));
    }

    /** Closes every pool. */
    public Future<Void> close() {
        List<Future<Void>> closing = clients.stream().map(HttpClientAgent::close).toList();
        return Future.all(closing).mapEmpty();
    }

    private static String uri(String key, String parameter, String value) {
        String path = "/kv/" + PathSegments.encode(key);
        return value == null ? path : path + "?" + parameter + "=" + value;
    }

    private Future<Reply> send(HttpMethod method, String uri, Buffer body) {
        HttpClientAgent client = clients.get(Math.floorMod(next.getAndIncrement(), clients.size()));
        // The idle timeout frees a connection that stops answering; the overall deadline is our own timer,
        // because Vert.x 5.0.8's request timeout (setTimeout) can race with a pool hand-over, throw
        // "Promise already completed" on the event loop and leave the request's future pending forever.
        RequestOptions options = new RequestOptions().setMethod(method).setURI(uri).setIdleTimeout(timeoutMillis);
        Promise<Reply> reply = Promise.promise();
        long timer = vertx.setTimer(timeoutMillis, id -> reply.tryFail(new TimeoutException(
                "no answer within " + timeoutMillis + " ms (client timeout)")));
        exchange(client, options, body).onComplete(result -> {
            vertx.cancelTimer(timer);
            if (result.succeeded()) {
                reply.tryComplete(result.result());
            } else {
                reply.tryFail(result.cause());
            }
        });
        return reply.future();
    }

    private static Future<Reply> exchange(HttpClientAgent client, RequestOptions options, Buffer body) {
        // Nested, as Vert.x documents it: body() must be asked for as soon as the response arrives, in
        // the same callback, or a response that ends meanwhile is never delivered.
        return client.request(options).compose(request -> {
            if (body != null) {
                request.putHeader("Content-Type", "application/json");
            }
            Future<io.vertx.core.http.HttpClientResponse> sent = body == null ? request.send() : request.send(body);
            return sent.compose(response -> response.body().map(answer -> new Reply(response.statusCode(), answer)));
        });
    }
}
