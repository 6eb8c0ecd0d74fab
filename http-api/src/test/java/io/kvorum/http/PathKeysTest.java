package io.kvorum.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kvorum.common.Key;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class PathKeysTest {
    @Test
    void decodesPercentEscapesAndKeepsEverythingElse() {
        assertEquals("a/b", key("a%2Fb"));
        assertEquals("a/b", key("a%2fb"));
        assertEquals("a+b", key("a+b"));
        assertEquals("a b", key("a%20b"));
        assertEquals("café", key("caf%C3%A9"));
        assertEquals("日本", key("%E6%97%A5%E6%9C%AC"));
        assertEquals("%", key("%25"));
        assertEquals("user:1~x.y_z-!$&'()*,;=@", key("user:1~x.y_z-!$&'()*,;=@"));
        assertEquals("replicas", key("replicas"));
    }

    @Test
    void acceptsRawUtf8BytesAsTheRequestLineDeliversThem() {
        // Netty hands each request-line byte over as one char; "é" sent raw is the two chars Ã©.
        assertEquals("é", key("\u00C3\u00A9"));
    }

    @Test
    void acceptsExactly1024BytesAndNoMore() {
        assertEquals(1024, Key.MAX_BYTES);
        assertEquals("k".repeat(1024), key("k".repeat(1024)));
        assertEquals("é".repeat(512), key("%C3%A9".repeat(512)));
        assertRejected("k".repeat(1025));
        assertRejected("%6B".repeat(1025));
        assertRejected("é".repeat(512) + "k");
        assertRejected("k".repeat(100_000));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "%", "%2", "a%", "%G1", "%1G", "a%2", "%%", "%FF", "%C3", "%C0%AF", "%ED%A0%80",
        "a/b", "a/", "/a", "a/b/replicas", "\u0100", "\u20AC"})
    void rejectsAnythingElse(String raw) {
        assertRejected(raw);
    }

    private static String key(String raw) {
        Validated<Key> decoded = PathKeys.decode(raw);
        if (decoded instanceof Validated.Valid<Key>(Key key)) {
            return key.text();
        }
        throw new AssertionError(raw + " was rejected: " + decoded);
    }

    private static void assertRejected(String raw) {
        Validated<Key> decoded = PathKeys.decode(raw);
        assertTrue(decoded instanceof Validated.Invalid<Key>(ApiError error) && error.code() == ErrorCode.INVALID_KEY,
                () -> raw + " gave " + decoded);
    }
}
