package io.kvorum.http;

import io.kvorum.common.Key;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;

/**
 * A delete (tombstone write) superseding what {@code context} covers, or what the replicas hold when
 * empty; {@code w}, {@code timeoutMillis} and {@code sloppy} are empty when left to the node's defaults.
 */
public record DeleteRequest(Key key, Optional<String> context, OptionalInt w, OptionalLong timeoutMillis,
        Optional<Boolean> sloppy) {}
