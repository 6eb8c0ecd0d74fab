package io.kvorum.node.it;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;

/**
 * A running Kvorum cluster seen from outside, through api.md only: one base URL per node. The
 * conformance checks run against any implementation, in-process ({@link TestCluster}) or started
 * by {@code scripts/kvorum up} ({@link ExternalCluster}).
 */
interface Cluster extends AutoCloseable {
    /** Number of nodes, live or not. */
    int size();

    /** Node {@code i}'s base URL, e.g. {@code http://127.0.0.1:8081} (no trailing slash). */
    URI base(int i);

    default ApiClient client(int i) {
        return new ApiClient(base(i));
    }

    /** A client per node, in node order. */
    default List<ApiClient> clients() {
        List<ApiClient> clients = new ArrayList<>();
        for (int i = 0; i < size(); i++) {
            clients.add(client(i));
        }
        return clients;
    }

    /** The replication factor the nodes run with. */
    default int n() {
        return 3;
    }

    /** The largest value (its JSON text, in bytes) the nodes accept. */
    default int valueBytesMax() {
        return 1024 * 1024;
    }

    @Override
    void close();
}
