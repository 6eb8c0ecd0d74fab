package io.kvorum.common;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/** Strict UTF-8 (no malformed input, overlong forms or encoded surrogates), in one place for every decoder of untrusted bytes. */
public final class Utf8 {
    private static final int CHUNK_CHARS = 8192;

    private Utf8() {}

    /** True when the bytes are strict UTF-8; decodes through a small fixed buffer, so a 1 MiB body costs no 2 MiB of chars. */
    public static boolean isValid(byte[] bytes, int offset, int length) {
        CharsetDecoder decoder = strictDecoder();
        ByteBuffer in = ByteBuffer.wrap(bytes, offset, length);
        CharBuffer out = CharBuffer.allocate(Math.min(CHUNK_CHARS, Math.max(16, length)));
        CoderResult result = decoder.decode(in, out, true);
        while (result.isOverflow()) {
            out.clear();
            result = decoder.decode(in, out, true);
        }
        if (result.isError()) {
            return false;
        }
        out.clear();
        return !decoder.flush(out).isError();
    }

    public static boolean isValid(byte[] bytes) {
        return isValid(bytes, 0, bytes.length);
    }

    /** The text of strict UTF-8 bytes, or empty when they are not. */
    public static Optional<String> decode(byte[] bytes, int offset, int length) {
        try {
            return Optional.of(strictDecoder().decode(ByteBuffer.wrap(bytes, offset, length)).toString());
        } catch (CharacterCodingException e) {
            return Optional.empty();
        }
    }

    private static CharsetDecoder strictDecoder() {
        return StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
    }
}
