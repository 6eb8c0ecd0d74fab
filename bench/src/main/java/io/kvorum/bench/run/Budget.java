package io.kvorum.bench.run;

import java.util.concurrent.atomic.AtomicLong;

/**
 * When a phase ends: after a number of counted operations, or at a deadline. Operations intended to
 * start before the count begins are the warm-up's: they end nothing. Thread-safe.
 */
public final class Budget {

    private final AtomicLong remaining;
    private final long countFromNanos;
    private final long deadlineNanos;

    /**
     * {@code operations} at most among those intended to start at or after {@code countFromNanos},
     * until {@code deadlineNanos} ({@code Long.MAX_VALUE}: none).
     */
    public Budget(long operations, long countFromNanos, long deadlineNanos) {
        this.remaining = new AtomicLong(operations);
        this.countFromNanos = countFromNanos;
        this.deadlineNanos = deadlineNanos;
    }

    /** Takes an operation intended to start at {@code intendedNanos} if the phase has not ended by {@code nowNanos}. */
    public boolean tryTake(long nowNanos, long intendedNanos) {
        if (nowNanos - deadlineNanos >= 0 && deadlineNanos != Long.MAX_VALUE) {
            return false;
        }
        if (intendedNanos - countFromNanos < 0) {
            return true;
        }
        return remaining.getAndDecrement() > 0;
    }
}
