package io.kvorum.bench.client;

import java.util.List;

/**
 * How the harness connects.
 *
 * @param nodes         the contact points the client discovers the cluster from
 * @param connections   keep-alive connections in total, split evenly over the nodes given (at least one each)
 * @param timeoutMillis how long a request may go without an answer before it counts as a timeout
 * @param token         bearer token for nodes with {@code http.auth.tokens-file}, or null
 * @param tlsCa         PEM file of certificates to trust, for nodes with {@code http.tls.*} (HTTPS), or null
 */
public record ClientSettings(List<Endpoint> nodes, int connections, long timeoutMillis, String token, String tlsCa) {

    /** Plain HTTP without a token. */
    public ClientSettings(List<Endpoint> nodes, int connections, long timeoutMillis) {
        this(nodes, connections, timeoutMillis, null, null);
    }

    /** Validates and copies. */
    public ClientSettings {
        nodes = List.copyOf(nodes);
        if (nodes.isEmpty()) {
            throw new IllegalArgumentException("at least one node is needed");
        }
        if (connections < 1) {
            throw new IllegalArgumentException("--connections must be >= 1, got " + connections);
        }
        if (timeoutMillis < 1) {
            throw new IllegalArgumentException("--timeout-ms must be >= 1, got " + timeoutMillis);
        }
    }

    /** Connections to each node. */
    public int connectionsPerNode() {
        return Math.max(1, (connections + nodes.size() - 1) / nodes.size());
    }
}
