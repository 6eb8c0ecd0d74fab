package io.kvorum.config;

import java.time.Duration;

/**
 * Merkle-tree anti-entropy (Dynamo §4.7): whether this node starts exchanges, how often, how much
 * key data each may stream, and when an unfinished one is abandoned ({@code anti-entropy.*}).
 *
 * @param enabled whether this node starts exchanges
 * @param interval time between the exchanges this node starts, each with one peer
 * @param maxBytesPerExchange most key data one exchange streams in each direction
 * @param timeout an exchange not finished by then is abandoned
 */
public record AntiEntropyConfig(boolean enabled, Duration interval, int maxBytesPerExchange, Duration timeout) {
    public AntiEntropyConfig {
        ConfigKeys.ANTI_ENTROPY_INTERVAL.check(interval);
        ConfigKeys.ANTI_ENTROPY_MAX_BYTES_PER_EXCHANGE.check(maxBytesPerExchange);
        ConfigKeys.ANTI_ENTROPY_TIMEOUT.check(timeout);
    }

    /** {@link #interval()} in milliseconds, the unit the core works in. */
    public long intervalMillis() {
        return interval.toMillis();
    }

    /** {@link #timeout()} in milliseconds, the unit the core works in. */
    public long timeoutMillis() {
        return timeout.toMillis();
    }
}
