package io.kvorum.bench.run;

import java.util.concurrent.atomic.AtomicLong;

/** When a phase ends: after a number of operations, at a deadline, or on request. Thread-safe. */
public final class Budget {

    private final AtomicLong remaining;
    private final long deadlineNanos;

    /** {@code operations} at most, until {@code deadlineNanos} ({@code Long.MAX_VALUE}: none). */
    public Budget(long operations, long deadlineNanos) {
        this.remaining = new AtomicLong(operations);
        this.deadlineNanos = deadlineNanos;
    }

    /** Takes one operation if the phase has not ended. */
    public boolean tryTake(long nowNanos) {
        if (nowNanos - deadlineNanos >= 0 && deadlineNanos != Long.MAX_VALUE) {
            return false;
        }
        return remaining.getAndDecrement() > 0;
    }

}
