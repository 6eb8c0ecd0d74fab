package io.kvorum.common;

/** The stable name of a physical node (e.g. {@code node-1}); ordered by its text. */
public record NodeId(String value) implements Comparable<NodeId> {
    private static final int LENGTH_MAX = 64;

    public NodeId {
        Invariants.require(isValid(value),
                "node id must be 1-64 characters of [A-Za-z0-9._-] starting with a letter or digit, got %s",
                value == null ? "null" : "'" + value + "'");
    }

    public static NodeId of(String value) {
        return new NodeId(value);
    }

    /**
     * Letters, digits, '.', '_' and '-', 1 to 64 of them, starting with a letter or digit: safe in
     * URLs, file names and logs. A loop, not a regex: every version decoded checks its actors' ids.
     */
    public static boolean isValid(String value) {
        if (value == null || value.isEmpty() || value.length() > LENGTH_MAX || !isLetterOrDigit(value.charAt(0))) {
            return false;
        }
        for (int i = 1; i < value.length(); i++) {
            char c = value.charAt(i);
            if (!isLetterOrDigit(c) && c != '.' && c != '_' && c != '-') {
                return false;
            }
        }
        return true;
    }

    private static boolean isLetterOrDigit(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
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
