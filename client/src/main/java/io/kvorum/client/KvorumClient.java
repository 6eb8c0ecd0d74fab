package io.kvorum.client;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Supplier;

/**
 * A Kvorum cluster seen from Java: reads, writes and deletes of keys, with siblings as a first-class
 * type ({@link Fetched}) and {@link #update} as the read-resolve-modify-write loop. Thread-safe; make
 * one per application and {@link #close()} it at the end.
 *
 * <p><b>Discovery.</b> {@link KvorumClientBuilder#build()} asks a contact point for {@code /cluster/members} and
 * {@code /cluster/ring?tokens=true}, and a background thread asks again every refresh interval. The
 * client sends only to members the cluster reports {@code up}; a member whose connection is refused is
 * left out at once and taken back when its {@code /health} answers again.
 *
 * <p><b>Token-aware routing</b> (Voldemort's routed client, the DataStax driver's token-aware policy):
 * the client computes each key's preference list as the nodes do and sends the request to one of its
 * usable replicas, rotating among them, so a write never pays the forward hop a non-replica
 * coordinator adds. With no ring known it sends round-robin over the usable members.
 *
 * <p><b>Failures</b> are typed ({@link KvorumException}'s subclasses) and retried on the next
 * candidate node as the {@link RetryPolicy} says. The synchronous methods do the HTTP exchange on the
 * caller's thread; the {@code ...Async} ones on a virtual thread each.
 */
public final class KvorumClient implements AutoCloseable {
    private final ClientSettings settings;
    private final Wire wire;
    private final Topology topology;
    private final ConcurrentHashMap<NodeAddress, NodePool> pools = new ConcurrentHashMap<>();
    private final ScheduledExecutorService refresher;
    /** Runs the asynchronous calls: a virtual thread each unless the builder was given an executor. */
    private final Executor async;
    /** Our own executor, closed with the client; null when the caller's is used. */
    private final ExecutorService ownAsync;
    private final AtomicInteger rotation = new AtomicInteger();
    private final LongAdder requests = new LongAdder();
    private final LongAdder toReplica = new LongAdder();
    private final LongAdder withoutRing = new LongAdder();
    private final LongAdder retries = new LongAdder();
    private final LongAdder refreshes = new LongAdder();
    /** Set by {@link #close()}: every call after it fails rather than opening connections again. */
    private volatile boolean closed;

    /** A client that is not started yet; {@link KvorumClientBuilder#build()} makes and starts one. */
    KvorumClient(ClientSettings settings, ObjectMapper mapper, Executor asyncExecutor) {
        this.settings = settings;
        this.ownAsync = asyncExecutor == null ? Executors.newVirtualThreadPerTaskExecutor() : null;
        this.async = asyncExecutor == null ? ownAsync : asyncExecutor;
        this.wire = new Wire(mapper);
        this.topology = new Topology(mapper, settings.contactPoints(), (int) settings.connectTimeout().plus(settings.readTimeout()).toMillis(),
                settings.listener(), settings.security());
        this.refresher = Executors.newSingleThreadScheduledExecutor(task -> {
            Thread thread = new Thread(task, "kvorum-client-refresh");
            thread.setDaemon(true);
            return thread;
        });
    }

    /** A builder with one contact point to add at least. */
    public static KvorumClientBuilder builder() {
        return new KvorumClientBuilder();
    }

    // ---- reads

    /** Reads {@code key}, decoding each sibling as {@code type}; a key with no live value gives an empty {@link Fetched}. */
    public <T> Fetched<T> get(String key, Class<T> type) {
        return get(key, wire.type(type), RequestOptions.NONE);
    }

    /** {@link #get(String, Class)} for generic types, e.g. {@code new TypeReference<Set<String>>() {}}. */
    public <T> Fetched<T> get(String key, TypeReference<T> type) {
        return get(key, wire.type(type), RequestOptions.NONE);
    }

    /** {@link #get(String, Class)} with these options ({@code r}, {@code timeout}, {@code sloppy}). */
    public <T> Fetched<T> get(String key, Class<T> type, RequestOptions options) {
        return get(key, wire.type(type), options);
    }

    private <T> Fetched<T> get(String key, JavaType type, RequestOptions options) {
        RequestOptions resolved = options.orElse(settings.defaults());
        return execute(new Call(key, "GET", path(key, resolved, false), null, false, waitMillis(resolved)), answer -> switch (answer.status()) {
            case 200 -> wire.fetched(key, answer.body(), type);
            case 404 -> {
                JsonNode error = wire.error(answer.body());
                if (!error.path("error").asText().equals("not_found")) {
                    throw failure(answer.status(), error);
                }
                yield wire.notFound(key, error);
            }
            default -> throw failure(answer.status(), wire.error(answer.body()));
        });
    }

    /** {@link #get(String, Class)} on a virtual thread. */
    public <T> CompletableFuture<Fetched<T>> getAsync(String key, Class<T> type) {
        return supplyAsync(() -> get(key, type));
    }

    /** {@link #get(String, Class, RequestOptions)} on a virtual thread. */
    public <T> CompletableFuture<Fetched<T>> getAsync(String key, Class<T> type, RequestOptions options) {
        return supplyAsync(() -> get(key, type, options));
    }

    // ---- writes

    /**
     * Writes {@code value} (as JSON) to {@code key}. With the {@code context} of an earlier read it
     * supersedes what that read returned; with {@code null} it is concurrent with whatever the key
     * holds and becomes one more sibling.
     */
    public Written put(String key, Object value, String context) {
        return put(key, value, context, RequestOptions.NONE);
    }

    /** {@link #put(String, Object, String)} with these options ({@code w}, {@code timeout}, {@code sloppy}). */
    public Written put(String key, Object value, String context, RequestOptions options) {
        RequestOptions resolved = options.orElse(settings.defaults());
        byte[] body = wire.putBody(value, context);
        return execute(new Call(key, "PUT", path(key, resolved, true), body, true, waitMillis(resolved)), answer -> written(key, answer));
    }

    /** {@link #put(String, Object, String)} on a virtual thread. */
    public CompletableFuture<Written> putAsync(String key, Object value, String context) {
        return supplyAsync(() -> put(key, value, context));
    }

    /** {@link #put(String, Object, String, RequestOptions)} on a virtual thread. */
    public CompletableFuture<Written> putAsync(String key, Object value, String context, RequestOptions options) {
        return supplyAsync(() -> put(key, value, context, options));
    }

    /**
     * Deletes {@code key}: a tombstone superseding what {@code context} covers, or (with {@code null})
     * everything the replicas the coordinator reaches hold.
     */
    public Written delete(String key, String context) {
        return delete(key, context, RequestOptions.NONE);
    }

    /** {@link #delete(String, String)} with these options. */
    public Written delete(String key, String context, RequestOptions options) {
        RequestOptions resolved = options.orElse(settings.defaults());
        byte[] body = wire.deleteBody(context);
        return execute(new Call(key, "DELETE", path(key, resolved, true), body, true, waitMillis(resolved)), answer -> written(key, answer));
    }

    /** {@link #delete(String, String)} on a virtual thread. */
    public CompletableFuture<Written> deleteAsync(String key, String context) {
        return supplyAsync(() -> delete(key, context));
    }

    /**
     * Applies {@code patch} (a JSON Merge Patch, RFC 7396: an object merges member by member, a
     * {@code null} member removes, anything else replaces) to the key's one live value in one request:
     * the node reads with {@code r}, patches, and writes with the read's context and {@code w}. With a
     * {@code context}, the patch applies only if the key has not changed since the read that returned
     * it. Throws {@link ConflictException} (nothing written) when the key holds siblings or changed.
     */
    public Written patch(String key, Object patch, String context) {
        return patch(key, patch, context, RequestOptions.NONE);
    }

    /** {@link #patch(String, Object, String)} with these options ({@code r} for the read, {@code w} for the write). */
    public Written patch(String key, Object patch, String context, RequestOptions options) {
        RequestOptions resolved = options.orElse(settings.defaults());
        byte[] body = wire.patchBody(patch, context);
        Objects.requireNonNull(key, "key");
        String path = "/kv/" + PathSegments.encode(key) + resolved.patchQuery();
        return execute(new Call(key, "PATCH", path, body, true, waitMillis(resolved)), answer -> {
            if (answer.status() == 409 && "conflict".equals(wire.error(answer.body()).path("error").asText())) {
                throw wire.conflict(answer.body());
            }
            return written(key, answer);
        });
    }

    /** {@link #patch(String, Object, String)} on a virtual thread. */
    public CompletableFuture<Written> patchAsync(String key, Object patch, String context) {
        return supplyAsync(() -> patch(key, patch, context));
    }

    // ---- read-resolve-modify-write

    /**
     * Reads {@code key}, resolves its siblings (if any) with {@code resolver}, applies
     * {@code mutation} to the result ({@code null} when the key has no live value) and writes the new
     * value back with the read's context, which supersedes every sibling the read saw. Writers that
     * raced with this one leave siblings, which the next update resolves: with a resolver that merges
     * (a set's union), no update is lost.
     */
    public <T> Written update(String key, Class<T> type, ConflictResolver<T> resolver, Mutation<T> mutation) {
        return update(key, wire.type(type), resolver, mutation, RequestOptions.NONE);
    }

    /** {@link #update(String, Class, ConflictResolver, Mutation)} for generic types. */
    public <T> Written update(String key, TypeReference<T> type, ConflictResolver<T> resolver, Mutation<T> mutation) {
        return update(key, wire.type(type), resolver, mutation, RequestOptions.NONE);
    }

    /** {@link #update(String, Class, ConflictResolver, Mutation)} with these options (r for the read, w for the write). */
    public <T> Written update(String key, Class<T> type, ConflictResolver<T> resolver, Mutation<T> mutation, RequestOptions options) {
        return update(key, wire.type(type), resolver, mutation, options);
    }

    private <T> Written update(String key, JavaType type, ConflictResolver<T> resolver, Mutation<T> mutation, RequestOptions options) {
        Fetched<T> current = get(key, type, options);
        T resolved = switch (current.values().size()) {
            case 0 -> null;
            case 1 -> current.values().get(0);
            default -> resolver.resolve(current.values());
        };
        return put(key, mutation.apply(resolved), current.contextOrNull(), options);
    }

    /** {@link #update(String, Class, ConflictResolver, Mutation)} on a virtual thread. */
    public <T> CompletableFuture<Written> updateAsync(String key, Class<T> type, ConflictResolver<T> resolver, Mutation<T> mutation) {
        return supplyAsync(() -> update(key, type, resolver, mutation));
    }

    // ---- the cluster

    /** The members as the client sees them now, by id. */
    public List<Member> members() {
        return List.copyOf(topology.view().members().values());
    }

    /**
     * The key's preference list as the client computes it from the ring (the first N distinct nodes
     * clockwise from its token, as {@code GET /kv/{key}/replicas} gives it); empty while no ring is known.
     */
    public List<String> preferenceList(String key) {
        TokenRing ring = topology.view().ring();
        return ring == null ? List.of() : ring.preferenceList(key);
    }

    /** The counters so far. */
    public ClientStats stats() {
        return new ClientStats(requests.sum(), toReplica.sum(), withoutRing.sum(), retries.sum(), refreshes.sum());
    }

    /** Refreshes members and ring now (the background does it every refresh interval); false when no node answered. */
    public boolean refresh() {
        ensureOpen();
        boolean refreshed = topology.refresh();
        if (refreshed) {
            refreshes.increment();
        }
        return refreshed;
    }

    /** Stops the background refresh and closes every connection; requests in flight fail, later calls throw {@link IllegalStateException}. */
    @Override
    public void close() {
        closed = true;
        refresher.shutdownNow();
        if (ownAsync != null) {
            ownAsync.shutdown();
        }
        pools.values().forEach(NodePool::close);
        topology.close();
    }

    // ---- the request loop

    /** One request: where it goes, what it sends, whether it is a write, how long to wait for an answer. */
    private record Call(String key, String method, String path, byte[] body, boolean write, int waitMillis) {}

    /** Turns an answer into a result, or throws the {@link KvorumException} it means. */
    @FunctionalInterface
    private interface Decoder<R> {
        R decode(HttpConnection.Answer answer) throws IOException;
    }

    private <R> R execute(Call call, Decoder<R> decoder) {
        ensureOpen();
        Route route = Route.of(topology.view(), call.key(), rotation.getAndIncrement(), settings.contactPoints());
        for (int attempt = 0; ; attempt++) {
            if (route.isEmpty()) {
                throw new NoNodeAvailableException("no member of the cluster is known to be reachable", null);
            }
            Route.Target target = route.target(attempt);
            count(target, attempt);
            Attempt outcome = attempt(call, target, decoder);
            if (outcome.result() != null || outcome.failure() == null) {
                @SuppressWarnings("unchecked") R result = (R) outcome.result();
                return result;
            }
            int retry = attempt + 1;
            if (outcome.kind() == null || !settings.retryPolicy().allows(retry, outcome.kind(), call.write())) {
                throw outcome.failure();
            }
            backOff(settings.retryPolicy().backoff(retry), outcome.failure());
        }
    }

    /** What one attempt gave: a result, or a failure and its kind (null when not retryable at all). */
    private record Attempt(Object result, KvorumException failure, RetryPolicy.Failure kind) {}

    private <R> Attempt attempt(Call call, Route.Target target, Decoder<R> decoder) {
        try {
            HttpConnection.Answer answer = pool(target.address()).exchange(call.method(), call.path(), call.body(), call.waitMillis());
            try {
                return new Attempt(Objects.requireNonNull(decoder.decode(answer)), null, null);
            } catch (KvorumException e) {
                return new Attempt(null, e, kindOf(e));
            } catch (IOException e) {
                return new Attempt(null, new ServerErrorException(target + " answered " + answer.status()
                        + " with a body that is not the API's: " + e.getMessage(), answer.status(), e), null);
            }
        } catch (NodePool.ConnectFailure e) {
            if (target.id() != null && topology.markUnreachable(target.id())) {
                pool(target.address()).evictIdle();
            }
            return new Attempt(null, new NoNodeAvailableException(e.getMessage(), e), RetryPolicy.Failure.CONNECT);
        } catch (NodePool.PoolExhausted e) {
            return new Attempt(null, new TimeoutException(e.getMessage(), e), RetryPolicy.Failure.CONNECT);
        } catch (SocketTimeoutException e) {
            return new Attempt(null, new TimeoutException(target + " did not answer within " + call.waitMillis() + " ms", e),
                    RetryPolicy.Failure.TIMEOUT);
        } catch (IOException e) {
            return new Attempt(null, new ServerErrorException("the connection to " + target + " broke: " + e.getMessage(), e),
                    RetryPolicy.Failure.CONNECTION_LOST);
        }
    }

    private static RetryPolicy.Failure kindOf(KvorumException e) {
        return switch (e) {
            case InsufficientStorageException s -> null; // full disks: another node meets the same ones
            case UnavailableException u -> u.required() < 0 ? RetryPolicy.Failure.SHUTTING_DOWN : RetryPolicy.Failure.UNAVAILABLE;
            case TimeoutException t -> RetryPolicy.Failure.TIMEOUT;
            case InvalidRequestException i -> null;
            case ConflictException c -> null; // the caller must resolve; another node sees the same siblings
            case NoNodeAvailableException n -> RetryPolicy.Failure.CONNECT;
            case ServerErrorException s -> null;
        };
    }

    private Written written(String key, HttpConnection.Answer answer) throws IOException {
        if (answer.status() == 200) {
            return wire.written(key, answer.body());
        }
        throw failure(answer.status(), wire.error(answer.body()));
    }

    /**
     * The exception an error answer means. A 503 without {@code required} is a node shutting down
     * (it took nothing: {@code required} -1) or its own deadline passing (a timeout).
     */
    private static KvorumException failure(int status, JsonNode error) {
        String code = error.path("error").asText("");
        String message = error.path("message").asText("HTTP " + status);
        if (status == 507) {
            return new InsufficientStorageException(message, error.path("required").asInt(-1), error.path("acknowledged").asInt(-1));
        }
        if (status == 503 && error.has("required")) {
            return new UnavailableException(message, error.path("required").asInt(), error.path("acknowledged").asInt());
        }
        if (status == 503 && message.contains("shutting down")) {
            return new UnavailableException(message, -1, -1);
        }
        if (status == 503) {
            return new TimeoutException(message, null);
        }
        if (status >= 400 && status < 500) {
            return new InvalidRequestException(status, code.isEmpty() ? "http_" + status : code, message);
        }
        return new ServerErrorException("HTTP " + status + (code.isEmpty() ? "" : " " + code) + ": " + message, status, null);
    }

    private void count(Route.Target target, int attempt) {
        requests.increment();
        if (attempt > 0) {
            retries.increment();
        }
        if (target.replica()) {
            toReplica.increment();
        }
        if (target.withoutRing()) {
            withoutRing.increment();
        }
    }

    private static void backOff(Duration wait, KvorumException failure) {
        if (wait.isZero()) {
            return;
        }
        try {
            Thread.sleep(wait);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw failure;
        }
    }

    private NodePool pool(NodeAddress address) {
        NodePool pool = pools.computeIfAbsent(address, a -> new NodePool(a, settings.connectionsPerNode(), (int) settings.connectTimeout().toMillis(),
                HttpConnection.BODY_BYTES_MAX, settings.security()));
        if (closed) {
            pool.close(); // close() may have run before this pool was added: it must not outlive the client
            throw closedException();
        }
        return pool;
    }

    private void ensureOpen() {
        if (closed) {
            throw closedException();
        }
    }

    private static IllegalStateException closedException() {
        return new IllegalStateException("the Kvorum client is closed");
    }

    private static String path(String key, RequestOptions options, boolean write) {
        Objects.requireNonNull(key, "key");
        return "/kv/" + PathSegments.encode(key) + options.query(write);
    }

    /** The client's wait: its read timeout, or longer when the request gives the node a longer timeout. */
    private int waitMillis(RequestOptions options) {
        long wait = settings.readTimeout().toMillis();
        if (options.timeout().isPresent()) {
            wait = Math.max(wait, options.timeout().get().toMillis() + 2000);
        }
        return (int) wait;
    }

    private <R> CompletableFuture<R> supplyAsync(Supplier<R> call) {
        ensureOpen();
        return CompletableFuture.supplyAsync(call, async);
    }

    /** The first discovery, then the background refresh; closes the client and throws when no contact point answered. */
    void start() {
        if (!refresh()) {
            close();
            throw new NoNodeAvailableException("no contact point answered: " + settings.contactPoints(), null);
        }
        long interval = settings.refreshInterval().toMillis();
        refresher.scheduleWithFixedDelay(this::refresh, interval, interval, TimeUnit.MILLISECONDS);
    }

    /** Unwraps the {@link KvorumException} of a failed future (for callers that join). */
    public static KvorumException cause(CompletionException e) {
        return e.getCause() instanceof KvorumException k ? k : new ServerErrorException(String.valueOf(e.getCause()), e.getCause());
    }
}
