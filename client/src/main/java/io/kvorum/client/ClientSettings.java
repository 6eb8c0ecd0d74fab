package io.kvorum.client;

import java.time.Duration;
import java.util.List;

/**
 * A client's settings, validated; built by {@link KvorumClientBuilder}.
 *
 * @param contactPoints      nodes to discover the cluster from (any one that answers will do)
 * @param defaults           r, w, timeout and sloppy for requests that do not set them
 * @param connectionsPerNode keep-alive connections to each node at most (requests beyond wait for one)
 * @param connectTimeout     how long opening a connection may take
 * @param readTimeout        how long the client waits for an answer; by default the request's
 *                           timeout plus 2 s (the node answers by then), or 10 s when the node's
 *                           default timeout applies
 * @param retryPolicy        which failures are retried
 * @param refreshInterval    how often members and ring are refreshed in the background
 * @param listener           told about member and ring changes
 * @param security           TLS and the bearer token, for nodes that require them
 */
public record ClientSettings(List<NodeAddress> contactPoints, RequestOptions defaults, int connectionsPerNode,
                             Duration connectTimeout, Duration readTimeout, RetryPolicy retryPolicy,
                             Duration refreshInterval, ClusterListener listener, ClientSecurity security) {
    /** Validates and copies. */
    public ClientSettings {
        contactPoints = List.copyOf(contactPoints);
        if (contactPoints.isEmpty()) {
            throw new IllegalArgumentException("at least one contact point is needed");
        }
        if (connectionsPerNode < 1) {
            throw new IllegalArgumentException("connectionsPerNode must be >= 1, got " + connectionsPerNode);
        }
        requirePositive("connectTimeout", connectTimeout);
        requirePositive("readTimeout", readTimeout);
        requirePositive("refreshInterval", refreshInterval);
        if (defaults == null || retryPolicy == null || listener == null || security == null) {
            throw new IllegalArgumentException("defaults, retryPolicy, listener and security must not be null");
        }
    }

    private static void requirePositive(String name, Duration value) {
        if (value == null || value.isNegative() || value.isZero() || value.toMillis() > Integer.MAX_VALUE) {
            throw new IllegalArgumentException(name + " must be a positive duration, got " + value);
        }
    }
}
