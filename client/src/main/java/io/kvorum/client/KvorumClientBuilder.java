package io.kvorum.client;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Duration;
import java.util.Objects;

/** Builds a {@link KvorumClient}; every setting has a default but the contact points. */
public final class KvorumClientBuilder {
    private final java.util.List<NodeAddress> contactPoints = new java.util.ArrayList<>();
    private RequestOptions defaults = RequestOptions.NONE;
    private int connectionsPerNode = 64;
    private Duration connectTimeout = Duration.ofSeconds(2);
    private Duration readTimeout;
    private RetryPolicy retryPolicy = RetryPolicy.DEFAULT;
    private Duration refreshInterval = Duration.ofSeconds(2);
    private ClusterListener listener = new ClusterListener() {};
    private ObjectMapper mapper = new ObjectMapper();
    private java.util.concurrent.Executor asyncExecutor;
    private java.util.Optional<javax.net.ssl.SSLContext> tls = java.util.Optional.empty();
    private java.util.Optional<String> bearerToken = java.util.Optional.empty();

    KvorumClientBuilder() {}

    /** Nodes to discover the cluster from, {@code host:port} each (or comma-separated in one string). */
    public KvorumClientBuilder contactPoints(String... addresses) {
        for (String address : addresses) {
            for (String part : address.split(",")) {
                if (!part.isBlank()) {
                    contactPoints.add(NodeAddress.parse(part));
                }
            }
        }
        return this;
    }

    /** The default read level ({@code r}); unset, the node's. */
    public KvorumClientBuilder r(Level level) {
        defaults = defaults.withR(level);
        return this;
    }

    /** The default write level ({@code w}); unset, the node's. */
    public KvorumClientBuilder w(Level level) {
        defaults = defaults.withW(level);
        return this;
    }

    /** The default coordinator timeout ({@code timeout_ms}); unset, the node's. */
    public KvorumClientBuilder timeout(Duration timeout) {
        defaults = defaults.withTimeout(timeout);
        return this;
    }

    /** Sloppy ({@code true}) or strict quorums by default; unset, the node's. */
    public KvorumClientBuilder sloppy(boolean sloppy) {
        defaults = defaults.withSloppy(sloppy);
        return this;
    }

    /** Keep-alive connections per node at most (default 64); more concurrent requests wait for one. */
    public KvorumClientBuilder connectionsPerNode(int connections) {
        this.connectionsPerNode = connections;
        return this;
    }

    /** How long opening a connection may take (default 2 s). */
    public KvorumClientBuilder connectTimeout(Duration timeout) {
        this.connectTimeout = timeout;
        return this;
    }

    /** How long to wait for an answer (default: the timeout plus 2 s, or 10 s without a timeout). */
    public KvorumClientBuilder readTimeout(Duration timeout) {
        this.readTimeout = timeout;
        return this;
    }

    /** Which failures are retried (default {@link RetryPolicy#DEFAULT}). */
    public KvorumClientBuilder retryPolicy(RetryPolicy policy) {
        this.retryPolicy = policy;
        return this;
    }

    /** How often members and ring are refreshed (default 2 s). */
    public KvorumClientBuilder refreshInterval(Duration interval) {
        this.refreshInterval = interval;
        return this;
    }

    /** Told about member and ring changes. */
    public KvorumClientBuilder listener(ClusterListener listener) {
        this.listener = listener;
        return this;
    }

    /** The Jackson mapper for values (default: a plain {@code new ObjectMapper()}). */
    public KvorumClientBuilder objectMapper(ObjectMapper mapper) {
        this.mapper = mapper;
        return this;
    }

    /**
     * Where the {@code ...Async} calls run their blocking exchange (default: a new virtual thread
     * each). The caller owns the executor: {@link KvorumClient#close()} does not shut it down.
     */
    public KvorumClientBuilder asyncExecutor(java.util.concurrent.Executor executor) {
        this.asyncExecutor = Objects.requireNonNull(executor, "executor");
        return this;
    }

    /**
     * Speak HTTPS to every node with {@code context} (for nodes with {@code http.tls.*}); each node's
     * certificate must match the host of its address. {@link ClientSecurity#trusting} builds a context
     * from a PEM file.
     */
    public KvorumClientBuilder tls(javax.net.ssl.SSLContext context) {
        this.tls = java.util.Optional.of(Objects.requireNonNull(context, "context"));
        return this;
    }

    /** Send {@code Authorization: Bearer <token>} on every request (for nodes with {@code http.auth.tokens-file}). */
    public KvorumClientBuilder bearerToken(String token) {
        this.bearerToken = java.util.Optional.of(Objects.requireNonNull(token, "token"));
        return this;
    }

    /** The client, once a contact point gave the members and ring; throws {@link NoNodeAvailableException} when none answered. */
    public KvorumClient build() {
        Duration wait = readTimeout != null ? readTimeout
                : defaults.timeout().map(t -> t.plusSeconds(2)).orElse(Duration.ofSeconds(10));
        ClientSettings settings = new ClientSettings(contactPoints, defaults, connectionsPerNode, connectTimeout, wait,
                retryPolicy, refreshInterval, listener, new ClientSecurity(tls, bearerToken));
        KvorumClient client = new KvorumClient(settings, Objects.requireNonNull(mapper, "objectMapper"), asyncExecutor);
        client.start();
        return client;
    }
}
