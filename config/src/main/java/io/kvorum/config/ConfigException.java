package io.kvorum.config;

import java.util.List;

/** A setting is missing, malformed or out of range; the one-line message names the key(s) and the source. */
public final class ConfigException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private static final int QUOTED_CHARS_MAX = 80;

    /** Names of the config keys at fault, the primary one first; empty when no single key is to blame. */
    private final List<String> keys;

    /** An error not tied to any one config key (a bad argument, an unreadable file). */
    public ConfigException(String message) {
        this(List.of(), message);
    }

    ConfigException(List<String> keys, String message) {
        super(message);
        this.keys = List.copyOf(keys);
    }

    /** The config keys at fault, primary first (for example {@code [quorum.r, quorum.n]}); may be empty. */
    public List<String> keys() {
        return keys;
    }

    /** Returns {@code value}, or throws naming {@code what} (a key or record field) when it is null. */
    static <T> T requireSet(T value, String what) {
        if (value == null) {
            throw new ConfigException(what + ": must be set");
        }
        return value;
    }

    /**
     * Quotes user-supplied text for a one-line message: control characters escaped, long text cut,
     * so that a message never spans lines or floods a log.
     */
    static String quote(String text) {
        StringBuilder quoted = new StringBuilder("'");
        int end = Math.min(text.length(), QUOTED_CHARS_MAX);
        for (int i = 0; i < end; i++) {
            char c = text.charAt(i);
            if (Character.isISOControl(c)) {
                quoted.append(String.format("\\u%04x", (int) c));
            } else {
                quoted.append(c);
            }
        }
        if (text.length() > end) {
            quoted.append("...");
        }
        return quoted.append('\'').toString();
    }
}
