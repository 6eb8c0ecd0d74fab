package io.kvorum.http;

import io.kvorum.common.Bytes;
import io.kvorum.common.Key;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;

/**
 * A write of {@code valueJson} (the exact UTF-8 JSON text of the body's {@code value}) with the
 * opaque causal {@code context} the client read, if any; {@code w}, {@code timeoutMillis} and
 * {@code sloppy} are empty when the client left them to the node's defaults.
 */
public record PutRequest(Key key, Bytes valueJson, Optional<String> context, OptionalInt w, OptionalLong timeoutMillis,
        Optional<Boolean> sloppy) {}
