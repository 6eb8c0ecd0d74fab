package io.kvorum.http;

import java.util.Arrays;
import java.util.Optional;

/** Percent-decoding (RFC 3986 §2.1) of raw URI text into bytes; the caller validates the bytes. */
final class PercentEncoding {
    private PercentEncoding() {}

    /**
     * The bytes {@code raw} stands for: {@code %XX} is one byte, {@code +} is a space only when
     * {@code plusIsSpace} (query strings), any other character below U+0100 is its own byte (the
     * HTTP request line arrives as bytes mapped one-to-one to chars). Empty for a malformed escape
     * or a character above U+00FF.
     */
    static Optional<byte[]> decode(String raw, boolean plusIsSpace) {
        byte[] bytes = new byte[raw.length()];
        int length = 0;
        for (int i = 0; i < raw.length(); i++) {
            char c = raw.charAt(i);
            if (c == '%') {
                int high = i + 1 < raw.length() ? Character.digit(raw.charAt(i + 1), 16) : -1;
                int low = i + 2 < raw.length() ? Character.digit(raw.charAt(i + 2), 16) : -1;
                if (high < 0 || low < 0) {
                    return Optional.empty();
                }
                bytes[length++] = (byte) (high << 4 | low);
                i += 2;
            } else if (c > 0xFF) {
                return Optional.empty();
            } else {
                bytes[length++] = (byte) (plusIsSpace && c == '+' ? ' ' : c);
            }
        }
        return Optional.of(Arrays.copyOf(bytes, length));
    }
}
