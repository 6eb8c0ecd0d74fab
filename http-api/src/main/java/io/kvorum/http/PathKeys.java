package io.kvorum.http;

import io.kvorum.common.Key;
import java.util.Optional;

/**
 * Decodes a raw path segment into a {@link Key}: {@code %XX} escapes become bytes, every other
 * character stands for itself ({@code +} stays {@code +}: form decoding is for query strings only),
 * and the bytes must be UTF-8 of 1 to {@value Key#MAX_BYTES} bytes.
 */
final class PathKeys {
    private PathKeys() {}

    static Validated<Key> decode(String rawSegment) {
        if (rawSegment.isEmpty()) {
            return invalid("key is empty; a key is 1 to " + Key.MAX_BYTES + " bytes of percent-encoded UTF-8");
        }
        if (rawSegment.indexOf('/') >= 0) {
            return invalid("key must be a single path segment; encode '/' inside a key as %2F");
        }
        if (rawSegment.length() > 3 * Key.MAX_BYTES) {
            // Each decoded byte takes at most 3 characters ("%XX"), so this cannot fit.
            return tooLong("more than " + Key.MAX_BYTES);
        }
        Optional<byte[]> bytes = PercentEncoding.decode(rawSegment, false);
        if (bytes.isEmpty()) {
            return invalid("key has a malformed percent-escape; write each byte outside letters and digits"
                    + " as %XX with two hex digits");
        }
        if (bytes.get().length > Key.MAX_BYTES) {
            return tooLong(Integer.toString(bytes.get().length));
        }
        return Key.fromUtf8(bytes.get()).<Validated<Key>>map(Validated::valid)
                .orElseGet(() -> invalid("key is not valid UTF-8 once percent-decoded"));
    }

    private static Validated<Key> tooLong(String bytes) {
        return invalid("key is " + bytes + " bytes once decoded; the limit is " + Key.MAX_BYTES + " bytes");
    }

    private static Validated<Key> invalid(String message) {
        return Validated.invalid(ErrorCode.INVALID_KEY, message);
    }
}
