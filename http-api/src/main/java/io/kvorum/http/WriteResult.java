package io.kvorum.http;

import io.kvorum.common.Key;

/** The outcome of a PUT or DELETE, mapped to 200 / 400 / 503 by the router. */
public sealed interface WriteResult {
    /** Stored durably on at least {@code w} replicas; {@code context} is the new version's. */
    record Written(Key key, String context) implements WriteResult {}

    /** Fewer than {@code required} replicas acknowledged in time; the write may still exist on some. */
    record Unavailable(int required, int acknowledged) implements WriteResult {}

    /** The client's context could not be decoded; nothing was written. */
    record InvalidContext(String message) implements WriteResult {}
}
