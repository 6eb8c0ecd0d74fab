package io.kvorum.http;

import io.kvorum.config.HttpConfig;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The node-wide counts behind {@code http.connections-max} and {@code http.requests-in-flight-max},
 * shared by the server instances of every event loop (hence atomics).
 */
final class HttpGuards {
    private final HttpConfig.Limits limits;
    private final AtomicInteger connections = new AtomicInteger();
    private final AtomicInteger requests = new AtomicInteger();

    HttpGuards(HttpConfig.Limits limits) {
        this.limits = limits;
    }

    HttpConfig.Limits limits() {
        return limits;
    }

    /** Counts a new connection, or returns false (counting nothing) when the cap is reached. */
    boolean openConnection() {
        return acquire(connections, limits.connectionsMax());
    }

    void closeConnection() {
        connections.decrementAndGet();
    }

    /** Counts a request from its head to its answer, or returns false (counting nothing) when the cap is reached. */
    boolean startRequest() {
        return acquire(requests, limits.requestsInFlightMax());
    }

    void endRequest() {
        requests.decrementAndGet();
    }

    int connections() {
        return connections.get();
    }

    int requestsInFlight() {
        return requests.get();
    }

    private static boolean acquire(AtomicInteger count, int max) {
        while (true) {
            int now = count.get();
            if (now >= max) {
                return false;
            }
            if (count.compareAndSet(now, now + 1)) {
                return true;
            }
        }
    }
}
