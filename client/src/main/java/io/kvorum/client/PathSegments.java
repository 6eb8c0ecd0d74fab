package io.kvorum.client;

import java.nio.charset.StandardCharsets;

/** Percent-encodes a key as one URL path segment (RFC 3986 unreserved characters pass through). */
final class PathSegments {
    private static final char[] HEX = "0123456789ABCDEF".toCharArray();

    private PathSegments() {}

    /** The encoded segment; keys of unreserved characters ({@code user123}) come back unchanged. */
    static String encode(String key) {
        if (isUnreserved(key) && !key.equals(".") && !key.equals("..")) {
            return key; // "." and ".." as raw segments would be dot segments, so they are encoded below
        }
        if (key.equals(".") || key.equals("..")) {
            return key.replace(".", "%2E");
        }
        StringBuilder out = new StringBuilder();
        for (byte b : key.getBytes(StandardCharsets.UTF_8)) {
            char c = (char) (b & 0xff);
            if (c < 128 && isUnreserved(c)) {
                out.append(c);
            } else {
                out.append('%').append(HEX[(b >> 4) & 0xf]).append(HEX[b & 0xf]);
            }
        }
        return out.toString();
    }

    private static boolean isUnreserved(String key) {
        for (int i = 0; i < key.length(); i++) {
            if (!isUnreserved(key.charAt(i))) {
                return false;
            }
        }
        return true;
    }

    private static boolean isUnreserved(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                || c == '-' || c == '.' || c == '_' || c == '~';
    }
}
