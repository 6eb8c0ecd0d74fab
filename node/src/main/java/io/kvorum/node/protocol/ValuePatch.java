package io.kvorum.node.protocol;

import io.kvorum.common.Bytes;
import java.util.Optional;

/**
 * The change a PATCH makes to a key's one live value: a pure, deterministic function of that value
 * (empty when the key holds none), supplied by the HTTP layer (an RFC 7396 JSON Merge Patch). The
 * coordinator applies it between the read and the write of a PATCH, so it must not block or fail:
 * anything about the patch itself that can be wrong was checked before the request got here.
 */
@FunctionalInterface
public interface ValuePatch {
    /** The patched value of {@code current}, or why it cannot be stored. */
    Patched apply(Optional<Bytes> current);

    /** What applying a patch gave. */
    sealed interface Patched {
        /** The new value's exact JSON text. */
        record Value(Bytes json) implements Patched {}

        /** The patched value would be {@code bytes} long, more than the node's {@code limitBytes}; nothing is written. */
        record TooLarge(long bytes, long limitBytes) implements Patched {}
    }
}
