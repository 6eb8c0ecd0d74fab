package io.kvorum.client;

import java.time.Duration;
import java.util.Optional;

/**
 * Per-request parameters; an empty one leaves the choice to the client's defaults, and those to the
 * node's configuration.
 *
 * @param r       the read level ({@code r})
 * @param w       the write level ({@code w}), for writes and deletes
 * @param timeout how long the coordinator waits for replicas ({@code timeout_ms}, 1 ms to 60 s)
 * @param sloppy  sloppy ({@code true}) or strict quorum
 */
public record RequestOptions(Optional<Level> r, Optional<Level> w, Optional<Duration> timeout, Optional<Boolean> sloppy) {
    /** Nothing set. */
    public static final RequestOptions NONE = new RequestOptions(Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty());

    /** Validates the timeout. */
    public RequestOptions {
        timeout.ifPresent(t -> {
            if (t.toMillis() < 1 || t.toMillis() > 60_000) {
                throw new IllegalArgumentException("timeout must be 1 ms to 60 s, got " + t);
            }
        });
    }

    public RequestOptions withR(Level level) {
        return new RequestOptions(Optional.of(level), w, timeout, sloppy);
    }

    public RequestOptions withW(Level level) {
        return new RequestOptions(r, Optional.of(level), timeout, sloppy);
    }

    public RequestOptions withTimeout(Duration value) {
        return new RequestOptions(r, w, Optional.of(value), sloppy);
    }

    public RequestOptions withSloppy(boolean value) {
        return new RequestOptions(r, w, timeout, Optional.of(value));
    }

    /** These options with every unset one taken from {@code defaults}. */
    RequestOptions orElse(RequestOptions defaults) {
        return new RequestOptions(r.or(defaults::r), w.or(defaults::w), timeout.or(defaults::timeout), sloppy.or(defaults::sloppy));
    }

    /** The query string for a read ({@code write} false) or a write: {@code ?r=2&timeout_ms=500}, or "". */
    String query(boolean write) {
        StringBuilder query = new StringBuilder();
        (write ? w : r).ifPresent(level -> append(query, write ? "w" : "r", level.wire()));
        timeout.ifPresent(t -> append(query, "timeout_ms", Long.toString(t.toMillis())));
        sloppy.ifPresent(s -> append(query, "sloppy", s.toString()));
        return query.toString();
    }

    /** The query string for a PATCH, which reads ({@code r}) and then writes ({@code w}). */
    String patchQuery() {
        StringBuilder query = new StringBuilder();
        r.ifPresent(level -> append(query, "r", level.wire()));
        w.ifPresent(level -> append(query, "w", level.wire()));
        timeout.ifPresent(t -> append(query, "timeout_ms", Long.toString(t.toMillis())));
        sloppy.ifPresent(s -> append(query, "sloppy", s.toString()));
        return query.toString();
    }

    private static void append(StringBuilder query, String name, String value) {
        query.append(query.isEmpty() ? '?' : '&').append(name).append('=').append(value);
    }
}
