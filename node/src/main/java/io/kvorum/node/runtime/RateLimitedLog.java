package io.kvorum.node.runtime;

import java.util.concurrent.atomic.AtomicLong;

/** Lets one log line through per interval, from any thread: for events that repeat as long as their cause lasts. */
final class RateLimitedLog {
    private final long intervalNanos;
    private final AtomicLong lastNanos = new AtomicLong(Long.MIN_VALUE);

    RateLimitedLog(long intervalNanos) {
        this.intervalNanos = intervalNanos;
    }

    /** True (and the interval restarts) when no line was let through in the last interval before {@code nowNanos}. */
    boolean due(long nowNanos) {
        long last = lastNanos.get();
        return (last == Long.MIN_VALUE || nowNanos - last >= intervalNanos) && lastNanos.compareAndSet(last, nowNanos);
    }
}
