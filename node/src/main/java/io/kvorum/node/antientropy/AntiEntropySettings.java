package io.kvorum.node.antientropy;

import io.kvorum.common.Invariants;

/**
 * How a node runs anti-entropy: whether at all, how often it starts an exchange (each with one
 * peer), how many bytes of key states one exchange streams each way, and when an unfinished
 * exchange is abandoned.
 */
public record AntiEntropySettings(boolean enabled, long intervalMillis, long maxBytesPerExchange, long timeoutMillis) {
    public AntiEntropySettings {
        Invariants.require(intervalMillis >= 1 && maxBytesPerExchange >= 1 && timeoutMillis >= 1,
                "anti-entropy interval, bytes and timeout must be positive");
    }

    public static AntiEntropySettings defaults() {
        return new AntiEntropySettings(true, 10_000, 8L << 20, 30_000);
    }
}
