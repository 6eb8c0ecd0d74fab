package io.kvorum.bench.client;

import io.kvorum.client.ClientSecurity;
import io.kvorum.client.Fetched;
import io.kvorum.client.InvalidRequestException;
import io.kvorum.client.KvorumClient;
import io.kvorum.client.KvorumClientBuilder;
import io.kvorum.client.Level;
import io.kvorum.client.RawJson;
import io.kvorum.client.RequestOptions;
import io.kvorum.client.RetryPolicy;
import io.kvorum.client.ServerErrorException;
import io.kvorum.client.UnavailableException;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * The harness's view of the Kvorum Java client: GET and PUT of {@code /kv/{key}} as Vert.x futures
 * that complete on the calling worker's event loop, answers as {@link Reply}s. Values travel as
 * {@link RawJson}, so the harness never parses a record unless the correctness check asks for it.
 * No retries: a benchmark counts every failure. Thread-safe.
 */
public final class BenchClient implements AutoCloseable {

    private final KvorumClient client;

    /** A client for {@code settings}: its nodes are contact points, the rest of the cluster is discovered. */
    public BenchClient(ClientSettings settings) {
        Duration timeout = Duration.ofMillis(settings.timeoutMillis());
        KvorumClientBuilder builder = KvorumClient.builder()
                .contactPoints(settings.nodes().stream().map(Endpoint::toString).toArray(String[]::new))
                .connectionsPerNode(settings.connectionsPerNode())
                .connectTimeout(timeout)
                .readTimeout(timeout)
                .retryPolicy(RetryPolicy.NONE);
        if (settings.token() != null) {
            builder.bearerToken(settings.token());
        }
        if (settings.tlsCa() != null) {
            builder.tls(ClientSecurity.trusting(Path.of(settings.tlsCa())));
        }
        this.client = builder.build();
    }

    /** {@code GET /kv/{key}?r=}; {@code r} may be null for the node's default. */
    public Future<Reply> get(String key, String r) {
        RequestOptions options = r == null ? RequestOptions.NONE : RequestOptions.NONE.withR(Level.parse(r));
        return onCaller(client.getAsync(key, RawJson.class, options).thenApply(BenchClient::read));
    }

    /** {@code PUT /kv/{key}?w=} of {@code valueJson}, with {@code context} when not null. */
    public Future<Reply> put(String key, String valueJson, String context, String w) {
        RequestOptions options = w == null ? RequestOptions.NONE : RequestOptions.NONE.withW(Level.parse(w));
        return onCaller(client.putAsync(key, new RawJson(valueJson), context, options)
                .thenApply(written -> new Reply(200, written.context(), List.of())));
    }

    /** The client's counters, for the report. */
    public io.kvorum.client.ClientStats stats() {
        return client.stats();
    }

    @Override
    public void close() {
        client.close();
    }

    private static Reply read(Fetched<RawJson> fetched) {
        if (!fetched.isFound()) {
            return new Reply(404, fetched.contextOrNull(), List.of());
        }
        return new Reply(200, fetched.contextOrNull(), fetched.values().stream().map(RawJson::json).toList());
    }

    /**
     * The answer on the caller's event loop (workers keep their state there). An error the node
     * answered becomes a {@link Reply} with its status; a timeout or a broken connection fails the
     * future, as the harness counts those by the exception.
     */
    private static Future<Reply> onCaller(CompletableFuture<Reply> answer) {
        CompletableFuture<Reply> statuses = answer.exceptionallyCompose(failure -> {
            Throwable cause = failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
            return switch (cause) {
                case UnavailableException u -> CompletableFuture.completedFuture(new Reply(503, null, List.of()));
                case InvalidRequestException i -> CompletableFuture.completedFuture(new Reply(i.status(), null, List.of()));
                case ServerErrorException s when s.status().isPresent() ->
                        CompletableFuture.completedFuture(new Reply(s.status().getAsInt(), null, List.of()));
                default -> CompletableFuture.failedFuture(cause);
            };
        });
        Context context = Vertx.currentContext();
        return context == null ? Future.fromCompletionStage(statuses) : Future.fromCompletionStage(statuses, context);
    }
}
