package io.kvorum.bench.baseline;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A hash map behind {@code GET} and {@code PUT /kv/{key}}, answering in Kvorum's JSON shapes
 * ({@code {"key","values":[v],"context"}}, {@code {"key","context"}}, 404 {@code not_found}). It parses
 * each PUT body as JSON, as any JSON store must, and does nothing else: no quorum, no version vectors,
 * no disk. One server instance per event loop shares the port, as the node's HTTP servers do.
 */
public final class BaselineServer {

    /** Stands in for a context: about the size of a small Kvorum context. */
    private static final String CONTEXT_PREFIX = "bAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA";

    private final Map<String, Buffer> values = new ConcurrentHashMap<>();
    private final AtomicLong version = new AtomicLong();
    private final List<HttpServer> servers = new ArrayList<>();
    private int port;

    private BaselineServer() {
    }

    /** Starts {@code instances} servers on one ephemeral port of 127.0.0.1. */
    public static Future<BaselineServer> start(Vertx vertx, int instances) {
        BaselineServer baseline = new BaselineServer();
        // A negative port is a shared ephemeral port in Vert.x: every instance gets the same one.
        List<Future<HttpServer>> listening = new ArrayList<>();
        for (int i = 0; i < instances; i++) {
            HttpServer server = vertx.createHttpServer(new HttpServerOptions().setHost("127.0.0.1")
                    .setTcpNoDelay(true).setPort(instances == 1 ? 0 : -1));
            server.requestHandler(baseline::handle);
            baseline.servers.add(server);
            listening.add(server.listen());
        }
        return Future.all(listening).map(all -> {
            baseline.port = baseline.servers.get(0).actualPort();
            return baseline;
        });
    }

    /** The port every instance listens on. */
    public int port() {
        return port;
    }

    private void handle(HttpServerRequest request) {
        String path = request.path();
        if (path.equals("/health")) {
            json(request, 200, Buffer.buffer("{\"status\":\"ok\",\"node\":\"baseline\"}"));
            return;
        }
        // Enough of the cluster API for the Kvorum client to discover one member and no ring, so it
        // sends every request here (round-robin over one node).
        if (path.equals("/cluster/members")) {
            json(request, 200, Buffer.buffer("{\"self\":\"baseline\",\"members\":[{\"id\":\"baseline\",\"http\":\"127.0.0.1:"
                    + port + "\",\"status\":\"up\",\"phi\":null}]}"));
            return;
        }
        if (path.equals("/cluster/ring")) {
            json(request, 200, Buffer.buffer("{\"vnodes_per_node\":1,\"n\":1,\"owners\":[{\"id\":\"baseline\",\"share\":1.0}]}"));
            return;
        }
        if (!path.startsWith("/kv/") || path.indexOf('/', 4) >= 0 || path.length() == 4) {
            json(request, 404, Buffer.buffer("{\"error\":\"no_such_route\",\"message\":\"unknown path\"}"));
            return;
        }
        String key = path.substring(4);
        if (request.method() == HttpMethod.GET) {
            get(request, key);
        } else if (request.method() == HttpMethod.PUT) {
            request.body().onSuccess(body -> put(request, key, body));
        } else {
            json(request, 405, Buffer.buffer("{\"error\":\"method_not_allowed\",\"message\":\"GET or PUT\"}"));
        }
    }

    private void get(HttpServerRequest request, String key) {
        Buffer value = values.get(key);
        if (value == null) {
            json(request, 404, Buffer.buffer("{\"error\":\"not_found\",\"message\":\"no value\"}"));
            return;
        }
        Buffer answer = Buffer.buffer(value.length() + key.length() + 64)
                .appendString("{\"key\":\"").appendString(key).appendString("\",\"values\":[")
                .appendBuffer(value).appendString("],\"context\":\"").appendString(context())
                .appendString("\"}");
        json(request, 200, answer);
    }

    private void put(HttpServerRequest request, String key, Buffer body) {
        Object value;
        try {
            JsonObject parsed = new JsonObject(body);
            if (!parsed.containsKey("value")) {
                throw new IllegalArgumentException("no value field");
            }
            value = parsed.getValue("value");
        } catch (RuntimeException e) {
            json(request, 400, Buffer.buffer("{\"error\":\"invalid_json\",\"message\":\"body is not {value}\"}"));
            return;
        }
        values.put(key, Json.encodeToBuffer(value));
        json(request, 200, Buffer.buffer("{\"key\":\"" + key + "\",\"context\":\"" + context() + "\"}"));
    }

    private String context() {
        return CONTEXT_PREFIX + Long.toString(version.incrementAndGet(), 36);
    }

    private static void json(HttpServerRequest request, int status, Buffer body) {
        request.response().setStatusCode(status).putHeader("Content-Type", "application/json").end(body);
    }
}
