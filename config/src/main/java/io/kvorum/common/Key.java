package io.kvorum.common;

import java.util.Optional;

/** A user key: 1 to {@value #MAX_BYTES} bytes of UTF-8 text (api.md), ordered by its bytes. */
public record Key(Bytes utf8) implements Comparable<Key> {
    public static final int MAX_BYTES = 1024;

    public Key {
        Invariants.require(utf8 != null && utf8.length() >= 1 && utf8.length() <= MAX_BYTES,
                "key must be 1 to %d bytes, got %s", MAX_BYTES, utf8 == null ? "null" : utf8.length());
    }

    /** The key for {@code text}; throws {@link IllegalArgumentException} when its UTF-8 form is empty or too long. */
    public static Key of(String text) {
        return new Key(Bytes.utf8(text));
    }

    /** The key for these bytes if they are valid UTF-8 of an allowed length, else empty. */
    public static Optional<Key> fromUtf8(byte[] bytes) {
        if (bytes.length < 1 || bytes.length > MAX_BYTES) {
            return Optional.empty();
        }
        if (!Utf8.isValid(bytes)) {
            return Optional.empty();
        }
        return Optional.of(new Key(Bytes.copyOf(bytes)));
    }

    public String text() {
        return utf8.utf8String();
    }

    @Override
    public int compareTo(Key other) {
        return utf8.compareTo(other.utf8);
    }

    @Override
    public String toString() {
        return text();
    }
}
