package io.kvorum.http;

import com.codahale.metrics.LockFreeExponentiallyDecayingReservoir;
import com.codahale.metrics.MetricRegistry;
import com.codahale.metrics.Timer;
import io.kvorum.common.Key;
import io.kvorum.http.RequestBodies.DeleteBody;
import io.kvorum.http.RequestBodies.PatchBody;
import io.kvorum.http.RequestBodies.PutBody;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.concurrent.CompletionStage;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * GET, PUT, PATCH and DELETE on {@code /kv/{key}}: validate everything (key, then query, then body) before
 * the service sees the request, call it, and answer exactly once, also when it never completes.
 * Stateless apart from its timers, so every event loop may share one instance.
 */
final class KvOperations {
    /** What every key operation parses before its body: the key, its {@code r} or {@code w}, timeout and sloppiness. */
    private record Head(Key key, OptionalInt replicaCount, OptionalLong timeoutMillis, Optional<Boolean> sloppy) {}

    private final Reply bodyTooLarge;
    private final Vertx vertx;
    private final HttpApiSettings settings;
    private final KvService service;
    private final Responses responses;
    private final RequestBodies bodies;
    /** A key operation's name (the {@code op} label) and its Dropwizard timer. */
    private record Operation(String name, Timer timer) {}

    private final Operation getOperation;
    private final Operation putOperation;
    private final Operation deleteOperation;
    private final Operation patchOperation;

    KvOperations(Vertx vertx, HttpApiSettings settings, KvService service, Responses responses) {
        this.vertx = vertx;
        this.settings = settings;
        this.service = service;
        this.responses = responses;
        this.bodies = new RequestBodies(settings.bodyBytesMax(), settings.valueBytesMax());
        this.bodyTooLarge = responses.bodyTooLarge(settings.bodyBytesMax(), settings.valueBytesMax()); // immutable: built once
        MetricRegistry registry = service.metrics();
        this.getOperation = new Operation("get", registry.timer("kv.get", KvOperations::requestTimer));
        this.putOperation = new Operation("put", registry.timer("kv.put", KvOperations::requestTimer));
        this.deleteOperation = new Operation("delete", registry.timer("kv.delete", KvOperations::requestTimer));
        this.patchOperation = new Operation("patch", registry.timer("kv.patch", KvOperations::requestTimer));
    }

    /**
     * The default timer's reservoir takes a lock and updates a skip list on every request (2% of a
     * node's CPU under load); the lock-free variant keeps the same forward-decaying sample.
     */
    private static Timer requestTimer() {
        return new Timer(LockFreeExponentiallyDecayingReservoir.builder().build());
    }

    void get(HttpRoundTrip exchange, String rawKey) {
        switch (head(exchange, rawKey, "r")) {
            case Validated.Invalid<Head>(ApiError error) -> exchange.send(responses.error(error));
            case Validated.Valid<Head>(Head head) -> call(exchange, getOperation, head.timeoutMillis(),
                    () -> service.get(new GetRequest(head.key(), head.replicaCount(), head.timeoutMillis(),
                            head.sloppy())),
                    result -> responses.read(head.key(), result));
        }
    }

    void put(HttpRoundTrip exchange, String rawKey) {
        switch (head(exchange, rawKey, "w")) {
            case Validated.Invalid<Head>(ApiError error) -> exchange.send(responses.error(error));
            case Validated.Valid<Head>(Head head) -> readBody(exchange, body -> put(exchange, head, body));
        }
    }

    void delete(HttpRoundTrip exchange, String rawKey) {
        switch (head(exchange, rawKey, "w")) {
            case Validated.Invalid<Head>(ApiError error) -> exchange.send(responses.error(error));
            case Validated.Valid<Head>(Head head) -> readBody(exchange, body -> delete(exchange, head, body));
        }
    }

    /** PATCH takes both {@code r} (its read) and {@code w} (its write). */
    void patch(HttpRoundTrip exchange, String rawKey) {
        switch (head(exchange, rawKey, "w").then(head -> QueryParameters.parse(exchange.request().query())
                .then(query -> query.replicaCount("r", service.replicationFactor()))
                .then(r -> Validated.valid(new PatchHead(head, r))))) {
            case Validated.Invalid<PatchHead>(ApiError error) -> exchange.send(responses.error(error));
            case Validated.Valid<PatchHead>(PatchHead head) -> readBody(exchange, body -> patch(exchange, head, body));
        }
    }

    /** A PATCH's head: the write's (key, {@code w}, timeout, sloppiness) and the read's {@code r}. */
    private record PatchHead(Head write, OptionalInt r) {}

    private void patch(HttpRoundTrip exchange, PatchHead head, byte[] body) {
        switch (bodies.patch(body)) {
            case Validated.Invalid<PatchBody>(ApiError error) -> exchange.send(responses.error(error));
            case Validated.Valid<PatchBody>(PatchBody patch) -> {
                Head write = head.write();
                PatchRequest request = new PatchRequest(write.key(), patch.patch(), patch.context(), head.r(),
                        write.replicaCount(), write.timeoutMillis(), write.sloppy());
                call(exchange, patchOperation, write.timeoutMillis(), () -> service.patch(request),
                        result -> responses.patched(write.key(), result));
            }
        }
    }

    private void put(HttpRoundTrip exchange, Head head, byte[] body) {
        switch (bodies.put(body)) {
            case Validated.Invalid<PutBody>(ApiError error) -> exchange.send(responses.error(error));
            case Validated.Valid<PutBody>(PutBody put) -> {
                PutRequest request = new PutRequest(head.key(), put.valueJson(), put.context(), head.replicaCount(),
                        head.timeoutMillis(), head.sloppy());
                call(exchange, putOperation, head.timeoutMillis(), () -> service.put(request),
                        result -> responses.written(head.key(), result));
            }
        }
    }

    private void delete(HttpRoundTrip exchange, Head head, byte[] body) {
        switch (bodies.delete(body)) {
            case Validated.Invalid<DeleteBody>(ApiError error) -> exchange.send(responses.error(error));
            case Validated.Valid<DeleteBody>(DeleteBody delete) -> {
                DeleteRequest request = new DeleteRequest(head.key(), delete.context(), head.replicaCount(),
                        head.timeoutMillis(), head.sloppy());
                call(exchange, deleteOperation, head.timeoutMillis(), () -> service.delete(request),
                        result -> responses.written(head.key(), result));
            }
        }
    }

    private Validated<Head> head(HttpRoundTrip exchange, String rawKey, String replicaParameter) {
        return PathKeys.decode(rawKey).then(key -> QueryParameters.parse(exchange.request().query())
                .then(query -> head(key, query, replicaParameter)));
    }

    private Validated<Head> head(Key key, QueryParameters query, String replicaParameter) {
        return query.replicaCount(replicaParameter, service.replicationFactor())
                .then(count -> query.timeoutMillis()
                        .then(timeout -> query.sloppy()
                                .then(sloppy -> Validated.valid(new Head(key, count, timeout, sloppy)))));
    }

    private void readBody(HttpRoundTrip exchange, Consumer<byte[]> onBody) {
        BodyReader.read(exchange, settings.bodyBytesMax(), bodyTooLarge, onBody);
    }

    /**
     * Calls the service and answers with its result, timed as {@code operation}. The answer is bounded:
     * past the request's timeout plus the service grace the router answers 503 on its own, so a lost
     * future cannot hold a connection forever. Exceptions, thrown or in the future, answer 500.
     */
    private <T> void call(HttpRoundTrip exchange, Operation operation, OptionalLong timeoutMillis,
            Supplier<CompletionStage<T>> invoke, Function<T, Reply> render) {
        Context context = vertx.getOrCreateContext();
        long ceilingMillis = timeoutMillis.orElse(settings.requestTimeoutMillis()) + settings.serviceGraceMillis();
        exchange.timeWith(operation.timer(), operation.name());
        long ceiling = vertx.setTimer(ceilingMillis, id -> exchange.send(responses.serviceSilent(ceilingMillis)));
        CompletionStage<T> stage;
        try {
            stage = invoke.get();
        } catch (RuntimeException e) {
            vertx.cancelTimer(ceiling);
            exchange.fail(e);
            return;
        }
        if (stage == null) {
            vertx.cancelTimer(ceiling);
            exchange.fail(new IllegalStateException("KvService returned a null future"));
            return;
        }
        Future.fromCompletionStage(stage, context).onComplete(result -> {
            vertx.cancelTimer(ceiling);
            if (result.failed()) {
                exchange.fail(result.cause());
            } else {
                exchange.guard(() -> exchange.send(render.apply(result.result())));
            }
        });
    }
}
