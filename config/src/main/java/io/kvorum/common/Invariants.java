package io.kvorum.common;

/** Crash-loudly checks for programmer errors (TigerStyle assertions); never for operating outcomes. */
public final class Invariants {
    private Invariants() {}

    /** Throws {@link IllegalStateException} with the formatted message when {@code condition} is false. */
    public static void check(boolean condition, String format, Object... args) {
        if (!condition) {
            throw new IllegalStateException("invariant broken: " + String.format(format, args));
        }
    }

    /** Throws {@link IllegalArgumentException} with the formatted message when {@code condition} is false. */
    public static void require(boolean condition, String format, Object... args) {
        if (!condition) {
            throw new IllegalArgumentException(String.format(format, args));
        }
    }
}
