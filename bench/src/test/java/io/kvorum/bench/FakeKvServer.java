package io.kvorum.bench;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonObject;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A misbehaving store for tests: the {@code /kv/{key}} contract from a map, except that it can stall
 * its first GET of a key (to test intended-start accounting) and acknowledge writes to chosen keys without
 * storing them once the key has a value (to test the correctness check).
 */
public final class FakeKvServer implements AutoCloseable {

    private final Vertx vertx = Vertx.vertx();
    private final Map<String, Buffer> values = new ConcurrentHashMap<>();
    private final AtomicBoolean stalled = new AtomicBoolean();
    private final long stallFirstMillis;
    private final Set<String> losingKeys;
    private final HttpServer server;
    /** Keys whose PATCH answers 409 conflict, as if they held siblings, until a PUT with a context resolves them. */
    private final Set<String> siblingKeys = ConcurrentHashMap.newKeySet();

    /** Starts on an ephemeral port. */
    public FakeKvServer(long stallFirstMillis, Set<String> losingKeys) {
        this.stallFirstMillis = stallFirstMillis;
        this.losingKeys = Set.copyOf(losingKeys);
        this.server = vertx.createHttpServer().requestHandler(this::handle);
        server.listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().join();
    }

    /** From now on a PATCH of {@code key} answers 409 conflict, until a PUT with a context. */
    public void siblings(String key) {
        siblingKeys.add(key);
    }

    /** The bound port. */
    public int port() {
        return server.actualPort();
    }

    private void handle(HttpServerRequest request) {
        if (stallFirstMillis > 0 && request.method() == HttpMethod.GET && request.path().startsWith("/kv/")
                && stalled.compareAndSet(false, true)) {
            request.pause();
            vertx.setTimer(stallFirstMillis, timer -> {
                request.resume();
                serve(request);
            });
            return;
        }
        serve(request);
    }

    private void serve(HttpServerRequest request) {
        if (request.path().startsWith("/cluster/") || request.path().equals("/health")) {
            cluster(request);
            return;
        }
        String key = request.path().substring("/kv/".length());
        if (request.method() == HttpMethod.PUT) {
            request.body().onSuccess(body -> {
                JsonObject put = new JsonObject(body);
                Object value = put.getValue("value");
                if (put.getValue("context") != null) {
                    siblingKeys.remove(key);
                }
                if (!(losingKeys.contains(key) && values.containsKey(key))) {
                    values.put(key, Json.encodeToBuffer(value));
                }
                reply(request, 200, "{\"key\":\"" + key + "\",\"context\":\"c\"}");
            });
            return;
        }
        if (request.method() == HttpMethod.PATCH) {
            request.body().onSuccess(body -> patch(request, key, new JsonObject(body)));
            return;
        }
        if (request.method() == HttpMethod.DELETE) {
            values.remove(key);
            reply(request, 200, "{\"key\":\"" + key + "\",\"context\":\"c\"}");
            return;
        }
        Buffer value = values.get(key);
        if (value == null) {
            reply(request, 404, "{\"error\":\"not_found\",\"message\":\"none\"}");
        } else {
            reply(request, 200, "{\"key\":\"" + key + "\",\"values\":[" + value + "],\"context\":\"c\"}");
        }
    }

    /** A shallow JSON Merge Patch of an object value (enough for the YCSB binding's field updates). */
    private void patch(HttpServerRequest request, String key, JsonObject body) {
        if (siblingKeys.contains(key)) {
            Buffer value = values.get(key);
            reply(request, 409, "{\"error\":\"conflict\",\"message\":\"siblings\",\"values\":[" + value + "," + value
                    + "],\"context\":\"c\"}");
            return;
        }
        Buffer current = values.get(key);
        JsonObject merged = current == null ? new JsonObject() : new JsonObject(current);
        body.getJsonObject("patch").forEach(field -> {
            if (field.getValue() == null) {
                merged.remove(field.getKey());
            } else {
                merged.put(field.getKey(), field.getValue());
            }
        });
        values.put(key, merged.toBuffer());
        reply(request, 200, "{\"key\":\"" + key + "\",\"context\":\"c\"}");
    }

    /** One member, itself, and a ring without tokens: the Kvorum client discovers it and sends round-robin. */
    private void cluster(HttpServerRequest request) {
        switch (request.path()) {
            case "/cluster/members" -> reply(request, 200, "{\"self\":\"fake\",\"members\":[{\"id\":\"fake\",\"http\":\"127.0.0.1:"
                    + port() + "\",\"status\":\"up\",\"phi\":0.0}]}");
            case "/cluster/ring" -> reply(request, 200, "{\"vnodes_per_node\":1,\"n\":1,\"owners\":[{\"id\":\"fake\",\"share\":1.0}]}");
            case "/health" -> reply(request, 200, "{\"status\":\"ok\",\"node\":\"fake\"}");
            default -> reply(request, 404, "{\"error\":\"no_such_route\",\"message\":\"none\"}");
        }
    }

    private static void reply(HttpServerRequest request, int status, String body) {
        request.response().setStatusCode(status).putHeader("Content-Type", "application/json").end(body);
    }

    @Override
    public void close() {
        vertx.close().toCompletionStage().toCompletableFuture().join();
    }
}
