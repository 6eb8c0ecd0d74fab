package io.kvorum.common;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class Utf8Test {
    @Test
    void acceptsStrictUtf8OfAnyLengthIncludingManyChunks() {
        String text = "ключ-€-𝄞-".repeat(5000); // well past one 8192-char chunk, with 2-, 3- and 4-byte forms
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        assertTrue(Utf8.isValid(bytes));
        assertEquals(Optional.of(text), Utf8.decode(bytes, 0, bytes.length));
        assertTrue(Utf8.isValid(new byte[0]));
    }

    @Test
    void rejectsMalformedOverlongAndSurrogateForms() {
        assertFalse(Utf8.isValid(new byte[] {(byte) 0xFF}));
        assertFalse(Utf8.isValid(new byte[] {(byte) 0xC0, (byte) 0xAF}), "overlong '/'");
        assertFalse(Utf8.isValid(new byte[] {(byte) 0xED, (byte) 0xA0, (byte) 0x80}), "encoded surrogate");
        assertFalse(Utf8.isValid(new byte[] {(byte) 0xE2, (byte) 0x82}), "truncated sequence");
        assertEquals(Optional.empty(), Utf8.decode(new byte[] {(byte) 0xFF}, 0, 1));
    }

    @Test
    void findsAnErrorPastTheFirstChunk() {
        byte[] bytes = "a".repeat(20_000).getBytes(StandardCharsets.UTF_8);
        bytes[17_000] = (byte) 0xFF;
        assertFalse(Utf8.isValid(bytes));
        assertTrue(Utf8.isValid(bytes, 0, 17_000), "a valid prefix of the same array");
    }
}
