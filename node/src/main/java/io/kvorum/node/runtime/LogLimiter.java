package io.kvorum.node.runtime;

import java.util.HashMap;
import java.util.Map;
import java.util.OptionalLong;

/**
 * A rate limit for log lines, per key (a token bucket): up to {@code burst} lines at once, then one
 * per {@code intervalNanos}. It counts the lines it held back, so the next line it lets through can
 * say how many were not logged. Time is passed in, so tests drive it with a fake clock.
 */
final class LogLimiter {
    private final long intervalNanos;
    private final int burst;
    private final Map<String, Bucket> buckets = new HashMap<>(); // lookups only

    private static final class Bucket {
        double tokens;
        long refilledNanos;
        long held;
    }

    LogLimiter(long intervalNanos, int burst) {
        this.intervalNanos = intervalNanos;
        this.burst = burst;
    }

    /**
     * Whether a line for {@code key} may be logged at {@code nowNanos}: if so, how many were held
     * back since the last one that was; if not, empty (and it counts as held back).
     */
    synchronized OptionalLong admit(String key, long nowNanos) {
        Bucket bucket = buckets.get(key);
        if (bucket == null) {
            bucket = new Bucket();
            bucket.tokens = burst;
            bucket.refilledNanos = nowNanos;
            buckets.put(key, bucket);
        }
        long elapsed = Math.max(0, nowNanos - bucket.refilledNanos);
        bucket.tokens = Math.min(burst, bucket.tokens + (double) elapsed / intervalNanos);
        bucket.refilledNanos = nowNanos;
        if (bucket.tokens < 1) {
            bucket.held++;
            return OptionalLong.empty();
        }
        bucket.tokens--;
        long held = bucket.held;
        bucket.held = 0;
        return OptionalLong.of(held);
    }
}
