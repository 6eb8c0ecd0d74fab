package io.kvorum.http;

import io.kvorum.common.Key;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;

/**
 * A read: {@code r}, {@code timeoutMillis} and {@code sloppy} (a sloppy rather than a strict quorum)
 * are empty when the client left them to the node's defaults.
 */
public record GetRequest(Key key, OptionalInt r, OptionalLong timeoutMillis, Optional<Boolean> sloppy) {}
