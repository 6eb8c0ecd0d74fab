package io.kvorum.http;

import io.kvorum.common.Key;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;

/**
 * A PATCH: apply {@code patch} to the key's one live value (read with {@code r}) and write the result
 * (with {@code w}); {@code context}, when given, must cover what the read finds (a precondition).
 * Empty parameters are left to the node's defaults.
 */
public record PatchRequest(Key key, JsonMergePatch patch, Optional<String> context, OptionalInt r, OptionalInt w,
        OptionalLong timeoutMillis, Optional<Boolean> sloppy) {}
