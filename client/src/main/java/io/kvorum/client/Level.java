package io.kvorum.client;

/**
 * A consistency level for {@code r} or {@code w}: a replica count from 1 to N, or one of the words the
 * node resolves against its N ({@code one}, {@code quorum} = ⌊N/2⌋+1, {@code all}).
 */
public record Level(String wire) {
    /** One replica. */
    public static final Level ONE = new Level("one");
    /** ⌊N/2⌋+1 replicas. */
    public static final Level QUORUM = new Level("quorum");
    /** All N replicas. */
    public static final Level ALL = new Level("all");

    /** Validates the wire form. */
    public Level {
        if (wire == null || !(wire.equals("one") || wire.equals("quorum") || wire.equals("all") || isCount(wire))) {
            throw new IllegalArgumentException("a level is a replica count >= 1, one, quorum or all; got '" + wire + "'");
        }
    }

    /** Exactly {@code replicas} replicas (the node rejects more than its N with invalid_parameter). */
    public static Level of(int replicas) {
        if (replicas < 1) {
            throw new IllegalArgumentException("a replica count must be >= 1, got " + replicas);
        }
        return new Level(Integer.toString(replicas));
    }

    /** Parses {@code 2}, {@code one}, {@code quorum} or {@code all}. */
    public static Level parse(String text) {
        return new Level(text == null ? null : text.trim());
    }

    private static boolean isCount(String text) {
        if (text.isEmpty() || text.length() > 9) {
            return false;
        }
        for (int i = 0; i < text.length(); i++) {
            if (text.charAt(i) < '0' || text.charAt(i) > '9') {
                return false;
            }
        }
        return Integer.parseInt(text) >= 1;
    }

    @Override
    public String toString() {
        return wire;
    }
}
