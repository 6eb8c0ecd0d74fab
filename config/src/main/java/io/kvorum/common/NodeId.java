package io.kvorum.common;

import java.util.regex.Pattern;

/** The stable name of a physical node (e.g. {@code node-1}); ordered by its text. */
public record NodeId(String value) implements Comparable<NodeId> {
    /** Letters, digits, '.', '_' and '-', starting with a letter or digit: safe in URLs, file names and logs. */
    private static final Pattern VALID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");

    public NodeId {
        Invariants.require(value != null && VALID.matcher(value).matches(),
                "node id must be 1-64 characters of [A-Za-z0-9._-] starting with a letter or digit, got %s",
                value == null ? "null" : "'" + value + "'");
    }

    public static NodeId of(String value) {
        return new NodeId(value);
    }

    public static boolean isValid(String value) {
        return value != null && VALID.matcher(value).matches();
    }

    @Override
    public int compareTo(NodeId other) {
        return value.compareTo(other.value);
    }

    @Override
    public String toString() {
        return value;
    }
}
